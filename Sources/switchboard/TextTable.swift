import Foundation

/// Prints rows as columns padded to their widest cell, two spaces apart (the first row is
/// the header), as `keys list` and `credentials list` show them.
enum TextTable {
    static func print(_ rows: [[String]]) {
        guard let first = rows.first else { return }
        let widths = (0..<first.count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            let padded = zip(row, widths).map { cell, width in cell.padding(toLength: width, withPad: " ", startingAt: 0) }
            Swift.print(padded.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
    }
}

import Yams

/// Finds the key path of a duplicated key. Yams rejects duplicates while composing, reporting
/// only the key and the first occurrence's position, not which mapping it is in. To name the
/// path, the first occurrence is renamed in a copy of the text, the copy is composed (renaming
/// further duplicates the same way), and the renamed key is looked for in the tree.
enum DuplicateKeyLocator {
    struct Location: Equatable {
        /// The second occurrence, which is the one to remove or rename.
        var line: Int
        var firstLine: Int
        var keyPath: String
    }

    static func locate(key: String, firstMark: Mark, in yaml: String) -> Location? {
        var markerBase = "zzswitchboardduplicate"
        while yaml.contains(markerBase) { markerBase += "z" }

        var text = yaml
        var renamed: [String: String] = [:]  // marker-prefixed key → original key
        var target: String?
        var mark = firstMark
        var currentKey = key
        // Each round removes one duplicate; a bounded number of rounds keeps a pathological
        // file from turning error reporting into a long loop.
        for round in 0..<32 {
            let marker = "\(markerBase)\(round)x"
            guard let edited = insert(marker, at: mark, in: text) else { return nil }
            text = edited
            renamed[marker + currentKey] = currentKey
            if target == nil { target = marker + currentKey }
            do {
                guard let root = try Yams.compose(yaml: text), let target else { return nil }
                return find(target, renamed: renamed, in: root, path: "")
            } catch YamlError.duplicatedKeysInMapping(let duplicates, let context) {
                mark = context.mark
                currentKey = duplicates.first ?? ""
            } catch {
                return nil
            }
        }
        return nil
    }

    /// Inserts `marker` at the start of the key at `mark` (after an opening quote).
    private static func insert(_ marker: String, at mark: Mark, in text: String) -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array(String($0).unicodeScalars) }
        let lineIndex = mark.line - 1
        guard lines.indices.contains(lineIndex) else { return nil }
        var column = mark.column - 1
        guard column >= 0, column < lines[lineIndex].count else { return nil }
        if lines[lineIndex][column] == "\"" || lines[lineIndex][column] == "'" { column += 1 }
        lines[lineIndex].insert(contentsOf: marker.unicodeScalars, at: column)
        return lines.map { String(String.UnicodeScalarView($0)) }.joined(separator: "\n")
    }

    private static func find(_ target: String, renamed: [String: String], in node: Node, path: String) -> Location? {
        switch node {
        case .mapping(let mapping):
            if let original = renamed[target], mapping.keys.contains(where: { $0.string == target }) {
                // Every occurrence in this mapping: the original spelling plus renamed copies.
                let lines = mapping.keys
                    .filter { $0.string == original || ($0.string.map { renamed[$0] == original } ?? false) }
                    .compactMap { $0.mark?.line }
                    .sorted()
                guard lines.count >= 2 else { return nil }
                return Location(line: lines[1], firstLine: lines[0], keyPath: path.isEmpty ? original : path + "." + original)
            }
            for (key, value) in mapping {
                let name = key.string.map { renamed[$0] ?? $0 } ?? "?"
                if let found = find(target, renamed: renamed, in: value, path: path.isEmpty ? name : path + "." + name) {
                    return found
                }
            }
            return nil
        case .sequence(let sequence):
            for (index, element) in sequence.enumerated() {
                if let found = find(target, renamed: renamed, in: element, path: "\(path)[\(index)]") { return found }
            }
            return nil
        default:
            return nil
        }
    }
}

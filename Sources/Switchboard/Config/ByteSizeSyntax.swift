/// Byte sizes: a plain number of bytes, or a whole number of `KiB`, `MiB` or `GiB`.
/// Only binary units are accepted because `MB` is ambiguous (10^6 or 2^20) and a limit that is
/// 5% off is a surprise in production.
enum ByteSizeSyntax {
    static let expectation = "a byte size such as 65536, 64KiB, 4MiB or 1GiB"

    /// Nil when `text` is not a byte size or does not fit in `Int`.
    static func parse(_ text: String) -> Int? {
        var digits = Substring(text)
        var multiplier = 1
        for (suffix, factor) in [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30)] where digits.hasSuffix(suffix) {
            multiplier = factor
            digits = digits.dropLast(suffix.count)
            break
        }
        guard !digits.isEmpty, digits.allSatisfy({ ("0"..."9").contains($0) }), let count = Int(digits) else {
            return nil
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : bytes
    }
}

/// Durations as operators write them: `500ms`, `5s`, `2m`, `1h`, `90d`, or a plain number of seconds
/// (`30`, `0.25`). Units are lower case and attached to the number; nothing else is accepted,
/// so a typo such as `5 sec` is an error rather than a silent default.
enum DurationSyntax {
    static let expectation = "a duration such as 500ms, 5s, 2m, 1h, 30d or a number of seconds"

    /// Nil when `text` is not a duration. Negative values parse, so that the caller can say
    /// "must be positive" instead of "not a duration".
    static func parse(_ text: String) -> Duration? {
        var digits = Substring(text)
        let negative = digits.first == "-"
        if negative { digits = digits.dropFirst() }

        let unitNanoseconds: Int64
        if digits.hasSuffix("ms") {
            unitNanoseconds = 1_000_000
            digits = digits.dropLast(2)
        } else if digits.hasSuffix("s") {
            unitNanoseconds = 1_000_000_000
            digits = digits.dropLast()
        } else if digits.hasSuffix("m") {
            unitNanoseconds = 60 * 1_000_000_000
            digits = digits.dropLast()
        } else if digits.hasSuffix("h") {
            unitNanoseconds = 3_600 * 1_000_000_000
            digits = digits.dropLast()
        } else if digits.hasSuffix("d") {
            unitNanoseconds = 86_400 * 1_000_000_000
            digits = digits.dropLast()
        } else {
            unitNanoseconds = 1_000_000_000
        }

        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let wholeText = parts.first, !wholeText.isEmpty, wholeText.allSatisfy(\.isASCIIDigit),
            let whole = Int64(wholeText)
        else { return nil }
        let (wholeNanoseconds, overflow) = whole.multipliedReportingOverflow(by: unitNanoseconds)
        guard !overflow else { return nil }

        var fractionNanoseconds: Int64 = 0
        if parts.count == 2 {
            let fractionText = parts[1]
            guard !fractionText.isEmpty, fractionText.count <= 12, fractionText.allSatisfy(\.isASCIIDigit),
                let fraction = Double("0." + fractionText)
            else { return nil }
            // A fraction is below one unit (at most a day), well inside Double's exact range
            // at nanosecond resolution, so rounding gives the intended value (0.1s is 100ms).
            fractionNanoseconds = Int64((fraction * Double(unitNanoseconds)).rounded())
        }
        let (total, overflowAgain) = wholeNanoseconds.addingReportingOverflow(fractionNanoseconds)
        guard !overflowAgain else { return nil }
        return .nanoseconds(negative ? -total : total)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension DurationSyntax {
    /// The shortest exact spelling in the config's own syntax (`250ms`, `30s`, `2m`), for messages.
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        for (unit, size) in [("d", Int64(86_400_000_000_000)), ("h", 3_600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000), ("ms", 1_000_000)]
        where nanoseconds != 0 && nanoseconds % size == 0 {
            return "\(nanoseconds / size)\(unit)"
        }
        return "\(Double(nanoseconds) / 1e9)s"
    }
}

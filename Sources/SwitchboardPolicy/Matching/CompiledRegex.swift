/// A Swift `Regex` compiled at load and shared by every event loop.
///
/// `Regex<AnyRegexOutput>` is not `Sendable` only because its output type could hold anything;
/// matching does not mutate it. The one lazy step, lowering the pattern to its program on first
/// use, is done here in `init`, before the value is shared.
public struct CompiledRegex: @unchecked Sendable, CustomStringConvertible {
    public let source: String
    private let regex: Regex<AnyRegexOutput>

    /// Swift `Regex` syntax (a superset of the common PCRE forms). The error carries the regex
    /// parser's message.
    public init(_ source: String) throws(PolicyError) {
        do {
            regex = try Regex(source)
        } catch {
            throw PolicyError("invalid regular expression: \(error)")
        }
        self.source = source
        _ = try? regex.firstMatch(in: "")
    }

    public var description: String { source }

    /// Whether `text` contains a match; anchor with `^…$` for a whole-string match.
    public func contains(in text: String) -> Bool {
        (try? regex.firstMatch(in: text)) != nil
    }
}

/// A policy or quota configuration the engine cannot compile. The config loader checks the same
/// things first and reports them with file, line and key; this error is for configs built in
/// code and for the loader to reuse the engine's own checks.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// The rule or limit at fault, when there is one.
    public var ruleID: String?

    public init(_ message: String, ruleID: String? = nil) {
        self.message = message
        self.ruleID = ruleID
    }

    public var description: String {
        guard let ruleID else { return message }
        return "rule \(ruleID): \(message)"
    }
}

/// What a policy rule (or the policy default) decides for a call.
public enum PolicyEffect: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case allow
    case deny
    /// The call waits for a human to approve it; the approval flow is the data plane's.
    case requireApproval = "require_approval"

    public var description: String { rawValue }
}

/// `policy.rules[].approval`: who decides a call a `require_approval` rule holds, and where.
/// Without it a rule is decided by one person, in the caller's client where the client can
/// be asked (form elicitation, `input_required`), else out of band.
public struct ApprovalTerms: Sendable, Equatable, Hashable {
    public enum Via: String, Sendable, CaseIterable {
        /// The caller's own client asks its user (the default).
        case client
        /// Only out of band: the console's approval page (sent to clients that take URL
        /// elicitation as a link to open), the admin API or `switchboard approvals`; never the
        /// caller's client, whose "accept" a compromised agent could forge.
        case console
    }

    /// `approvers`: how many different people must approve, none of them the caller
    /// (two or more: a two-person rule, decided out of band only).
    public var approvers: Int
    public var via: Via

    public static let maximumApprovers = 5

    public init(approvers: Int = 1, via: Via = .client) {
        self.approvers = approvers
        self.via = via
    }

    /// Whether the caller's client may decide: one approver, asked in the client.
    public var decidedInClient: Bool { approvers == 1 && via == .client }
}

package import SwitchboardGuards

/// What the admin API needs of the approval queue; the composition root backs it with the
/// store (a running gateway sees a decision within its next poll). Calls block on the store
/// and are made off the event loops.
package protocol AdminApprovalStore: Sendable {
    /// Every approval, or those in `state`, newest first.
    func approvals(state: ApprovalRecord.State?) throws -> [ApprovalRecord]
    /// Approves or denies a pending request; throws `AdminApprovalError` when it cannot.
    func decide(id: String, approve: Bool, by: String, reason: String, scope: ApprovalRecord.Scope?) throws -> ApprovalRecord
}

/// Why a decision was refused, as the admin API answers it.
package enum AdminApprovalError: Error, Sendable {
    /// No such approval (404).
    case notFound(String)
    /// Decided already, or expired (409).
    case conflict(String)
    /// A missing reason (400).
    case invalid(String)
}

package import SwitchboardGuards

/// The approval queue, shared by every process that opens the store: the gateway files
/// requests and spends approvals; `switchboard approvals` and the admin API decide.
package protocol ApprovalStore: Sendable {
    /// Every approval, or those in `state`, newest first.
    func approvals(state: ApprovalRecord.State?) throws(StoreError) -> [ApprovalRecord]
    func approval(id: String) throws(StoreError) -> ApprovalRecord?
    /// Inserts or replaces the record (by id).
    func saveApproval(_ record: ApprovalRecord) throws(StoreError)
    /// A pending request approved or denied by `by`, with `reason` (and, approving, how far
    /// it reaches). Refused when it is not pending or has expired.
    func decideApproval(id: String, approve: Bool, by: String, reason: String, scope: ApprovalRecord.Scope?) throws(StoreError) -> ApprovalRecord
}

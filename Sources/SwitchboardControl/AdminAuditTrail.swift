package import SwitchboardAudit

/// What the admin API reads of the audit trail; the composition root backs it with the
/// store's index, the sink runners and the journal folder. Calls block and are made off the
/// event loops.
package protocol AdminAuditTrail: Sendable {
    /// The newest `limit` records matching `filter`, oldest first, each its journal line.
    func query(_ filter: AuditFilter, limit: Int) throws -> [String]
    /// Where each sink stands.
    var sinkStatuses: [AuditSinkRunner.Status] { get }
    /// The journal's chain recomputed (`switchboard audit verify`).
    func verify() throws -> AuditVerifier.Report
}

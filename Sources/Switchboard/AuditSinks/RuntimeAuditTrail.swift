import SwitchboardAudit
import SwitchboardControl
import SwitchboardStore

/// The admin API's view of the trail: queries on the store's index when `audit.store` is on,
/// else a scan of the journal (every record read; fine for a small trail, slow for a large
/// one, which is what the index is for).
struct RuntimeAuditTrail: AdminAuditTrail {
    let directory: String
    let sinks: AuditSinkSet

    func query(_ filter: AuditFilter, limit: Int) throws -> [String] {
        // The index leaves call.begin out (its call.end repeats it): those come from the journal.
        if let store = sinks.store, filter.fields["event"] != "call.begin" { return try store.queryAudit(filter, limit: limit).map(\.record) }
        return try AuditScan.newest(directory: directory, filter: filter, limit: limit).map(\.text)
    }

    var sinkStatuses: [AuditSinkRunner.Status] { sinks.statuses }

    func verify() throws -> AuditVerifier.Report {
        try AuditVerifier.verify(directory: directory)
    }
}

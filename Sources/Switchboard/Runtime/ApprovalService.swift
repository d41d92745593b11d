import Dispatch
import Foundation
package import Logging
import Metrics
import ServiceLifecycle
import Synchronization
package import SwitchboardCore
import SwitchboardAudit
package import SwitchboardDataPlane
import SwitchboardGuards
package import SwitchboardStore

/// The approval queue as the runtime runs it (`approvals`): an `ApprovalDesk` loaded from the
/// store, writing what the data plane files and spends back to it off the event loop, and
/// polling the store's change token so a decision made with `switchboard approvals` (or on
/// another replica) reaches the held calls within about a second. Every change of state is
/// audited (`approval.changed`), logged and counted.
package struct ApprovalService: Service {
    package let desk: ApprovalDesk
    private let store: any ApprovalStore
    private let changeToken: @Sendable () throws(StoreError) -> Int64
    private let loadedToken: Int64
    private let audit: CallAudit?
    private let logger: Logger

    package init(config: GatewayConfig, store: SQLiteStore, audit: CallAudit?, persists: Bool, logger: Logger) throws {
        let records = try store.approvals(state: nil).filter { $0.state == .pending || $0.state == .approved || $0.state == .denied }
        let token = try store.changeToken()
        self.store = store
        self.changeToken = { () throws(StoreError) -> Int64 in try store.changeToken() }
        loadedToken = token
        self.audit = audit
        self.logger = logger
        let writes = DispatchQueue(label: "switchboard.approvals.store")
        let persist: @Sendable (ApprovalRecord) -> Void
        if persists {
            persist = { record in
                writes.async {
                    do {
                        try store.saveApproval(record)
                    } catch {
                        logger.error("approval not stored", metadata: ["switchboard.approval": "\(record.id)", "switchboard.error": "\(error)"])
                    }
                }
            }
        } else {
            persist = { _ in }
        }
        desk = ApprovalDesk(
            settings: .init(
                timeout: config.approvals.timeout, scope: ApprovalRecord.Scope(rawValue: config.approvals.scope.rawValue) ?? .once,
                console: config.console.enabled ? GatewayRuntime.publicOrigin(config) + "/console" : nil
            ),
            records: records, persist: persist, report: { Self.report($0, audit: audit, logger: logger) }
        )
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            await StoreChangePoller.run(every: .seconds(1), from: loadedToken, reload: reloadIfChanged(since:))
        }
    }

    /// One poll: decisions made elsewhere come into the desk, and are recorded here once.
    @discardableResult
    package func reloadIfChanged(since token: Int64) -> Int64 {
        StoreChangePoller.reload(since: token, changeToken: changeToken, logger: logger, what: "approvals") {
            let records = try store.approvals(state: nil).filter { $0.state != .expired }
            for record in desk.reload(records) { Self.report(record, audit: audit, logger: logger) }
        }
    }

    private static let counters = Mutex<[String: Counter]>([:])

    /// `approval.changed`, a log line and `switchboard_approvals_total{state}`.
    static func report(_ record: ApprovalRecord, audit: CallAudit?, logger: Logger) {
        // A pending request with approvers is a two-person rule's, approved by some so far.
        let outcome = record.state == .pending ? (record.approvedBy.isEmpty ? "requested" : "seconded") : record.state.rawValue
        var detail = "approval \(record.id), rule \(record.rule ?? "default"), scope \(record.scope.rawValue)"
        if record.terms.approvers > 1 { detail += ", approved by \(record.tally)" }
        if let by = record.decidedBy ?? record.approvedBy.last { detail += ", by \(by)" }
        if let reason = record.reason { detail += ": \(reason)" }
        audit?.gatewayEvent(.approvalChanged, server: record.server, tool: record.tool, principal: nil, outcome: outcome, detail: detail)
        logger.notice("approval \(outcome)", metadata: [
            "switchboard.approval": "\(record.id)", "switchboard.tool": "\(record.tool)", "switchboard.principal": "\(record.principal)",
            "switchboard.by": "\(record.decidedBy ?? "")",
        ])
        let counter = counters.withLock { counters in
            if let counter = counters[outcome] { return counter }
            let counter = Counter(label: "switchboard_approvals_total", dimensions: [("state", outcome)])
            counters[outcome] = counter
            return counter
        }
        counter.increment()
    }
}

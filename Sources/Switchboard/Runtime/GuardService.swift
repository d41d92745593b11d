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

/// The guards as the runtime runs them (`guards`): the rules (built in, with `guards.rules`
/// over them), each server's mode, the pins and accepted findings loaded from the store, and
/// a `DefinitionGuard` that writes what it sees back to the store off the event loop. The
/// service polls the store's change token and hands the guard what operators decided
/// (`switchboard pins`, another replica) within about a second.
package struct GuardService: Service {
    package let guards: DefinitionGuard
    /// Secrets, personal data and instructions in what calls send and return.
    package let content: ContentGuard
    private let store: any PinStore
    private let changeToken: @Sendable () throws(StoreError) -> Int64
    private let loadedToken: Int64
    private let lastAccepted: LoadedAccepted
    private let audit: CallAudit?
    private let logger: Logger

    private final class LoadedAccepted: Sendable {
        let records: Mutex<[AcceptedFindingRecord]>
        init(_ records: [AcceptedFindingRecord]) { self.records = Mutex(records) }
    }


    /// `persists` false: what the gateway sees is not written back (a dry run such as
    /// `switchboard tools list` must not approve anything on first use).
    package init(config: GatewayConfig, store: SQLiteStore, audit: CallAudit?, persists: Bool, logger: Logger) throws {
        var rules = GuardRuleSet.builtin
        if let path = config.guards.rules {
            guard let data = FileManager.default.contents(atPath: path) else { throw RuntimeError(message: "cannot read the guard rules \(path) (guards.rules)") }
            do {
                rules = try rules.overridden(by: data)
            } catch {
                throw RuntimeError(message: "the guard rules \(path) (guards.rules): \(error)")
            }
        }
        var policies: [String: PinPolicy] = [:]
        for server in config.servers where server.enabled {
            let mode = server.guards.mode ?? config.guards.server.mode ?? .enforce
            policies[server.name] = PinPolicy(
                mode: PinPolicy.Mode(rawValue: mode.rawValue) ?? .enforce,
                trustOnFirstUse: server.guards.trustOnFirstUse ?? config.guards.server.trustOnFirstUse ?? true
            )
        }
        let token = try store.changeToken()
        let records = try store.pins(server: nil)
        let accepted = try store.acceptedFindings()
        self.store = store
        self.changeToken = { () throws(StoreError) -> Int64 in try store.changeToken() }
        loadedToken = token
        lastAccepted = LoadedAccepted(accepted)
        self.audit = audit
        self.logger = logger
        // One writer, in order: a pin is written after the one before it.
        let writes = DispatchQueue(label: "switchboard.guards.store")
        let persist: @Sendable (PinRecord) -> Void
        if persists {
            persist = { record in
                writes.async {
                    do {
                        try store.savePin(record)
                    } catch {
                        logger.error("pin not stored", metadata: [
                            "switchboard.server": "\(record.server)", "switchboard.tool": "\(record.name)", "switchboard.error": "\(error)",
                        ])
                    }
                }
            }
        } else {
            persist = { _ in }
        }
        let scanner = DefinitionScanner(rules: rules)
        content = ContentGuard(config: config, scanner: scanner)
        if content.readsEveryResult {
            logger.warning("guards: the rules have more word groups than the result screen tracks; every result is read in full (slower)", metadata: [
                "switchboard.rules": "\(config.guards.rules ?? "built in")",
            ])
        }
        guards = DefinitionGuard(
            settings: .init(scanner: scanner, policies: policies), records: records, accepted: Set(accepted.map(\.finding)),
            persist: persist, report: { record, event in Self.report(record, event, audit: audit, logger: logger) }, logger: logger
        )
        logger.info("guards on", metadata: [
            "switchboard.rules_version": "\(rules.version)", "switchboard.pins": "\(records.count)",
            "switchboard.enforced": "\(policies.values.filter { $0.mode == .enforce }.count)",
        ])
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            await StoreChangePoller.run(every: .seconds(1), from: loadedToken, reload: reloadIfChanged(since:))
        }
    }

    /// One poll: when the store moved, the guard gets its pins and accepted findings again.
    @discardableResult
    package func reloadIfChanged(since token: Int64) -> Int64 {
        StoreChangePoller.reload(since: token, changeToken: changeToken, logger: logger, what: "pins") {
            let records = try store.pins(server: nil)
            let accepted = try store.acceptedFindings()
            let before = lastAccepted.records.withLock { loaded in
                defer { loaded = accepted }
                return loaded
            }
            recordAcceptances(from: before, to: accepted)
            guards.reload(records: records, accepted: Set(accepted.map(\.finding)))
        }
    }

    private func recordAcceptances(from before: [AcceptedFindingRecord], to after: [AcceptedFindingRecord]) {
        let old = Set(before.map(\.finding))
        let new = Set(after.map(\.finding))
        for record in after where !old.contains(record.finding) {
            audit?.gatewayEvent(.findingAccepted, server: record.server, tool: record.name, outcome: "accepted",
                                detail: "\(record.rule) accepted by \(record.acceptedBy): \(record.reason)")
            logger.notice("guard finding accepted", metadata: [
                "switchboard.server": "\(record.server)", "switchboard.tool": "\(record.name)", "switchboard.rule": "\(record.rule)",
                "switchboard.by": "\(record.acceptedBy)",
            ])
        }
        for record in before where !new.contains(record.finding) {
            audit?.gatewayEvent(.findingAccepted, server: record.server, tool: record.name, outcome: "withdrawn", detail: "\(record.rule) no longer accepted")
        }
    }

    /// One counter per server and event, made when first needed (servers come from config, events
    /// from `PinLedger.Event`: bounded).
    private static let pinEvents = Mutex<[String: Counter]>([:])

    /// A pin moved: audit, a log line (a warning when a tool is hidden) and a counter.
    static func report(_ record: PinRecord, _ event: PinLedger.Event, audit: CallAudit?, logger: Logger) {
        let rules = Array(Set(record.findings.map(\.rule))).sorted()
        var detail = "\(event.rawValue): pin \(record.seen.id)"
        if let approved = record.approved, approved.hash != record.seen.hash { detail += ", approved \(approved.id)" }
        if !rules.isEmpty { detail += ", findings " + rules.joined(separator: ",") }
        if let by = record.decidedBy { detail += ", by \(by)" }
        if let reason = record.reason { detail += ": \(reason)" }
        audit?.gatewayEvent(.pinChanged, server: record.server, tool: record.name, outcome: record.state.rawValue, detail: detail)
        let metadata: Logger.Metadata = [
            "switchboard.server": "\(record.server)", "switchboard.tool": "\(record.name)", "switchboard.pin_state": "\(record.state.rawValue)",
            "switchboard.pin": "\(record.seen.id)", "switchboard.pin_event": "\(event.rawValue)", "switchboard.findings": "\(rules.joined(separator: ","))",
        ]
        if record.exposed {
            logger.info("tool pinned", metadata: metadata)
        } else {
            logger.warning("tool quarantined", metadata: metadata)
        }
        let key = record.server + "\u{0}" + event.rawValue
        let counter = pinEvents.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(label: "switchboard_guard_pin_events_total", dimensions: [("server", record.server), ("event", event.rawValue)])
            counters[key] = counter
            return counter
        }
        counter.increment()
    }
}

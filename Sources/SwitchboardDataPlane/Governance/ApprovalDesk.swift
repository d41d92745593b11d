package import Foundation
package import SwitchboardGuards
package import SwitchboardCore
import Synchronization

/// The approval queue as the data plane holds it: requests filed when a policy says
/// `require_approval`, decisions brought in from the store (`switchboard approvals`, another
/// replica) by `reload`, approvals spent by the calls they were given for. Everything here is
/// in memory and decided on the event loop; writes go to the store through `persist`, off it.
///
/// An approval is bound to the caller, the federated tool name and a digest of the call's
/// arguments: approving "delete contact 42" does not approve "delete contact 43".
package final class ApprovalDesk: Sendable {
    package struct Settings: Sendable {
        /// How long a request waits for a decision, and an approval for its call.
        package var timeout: Duration
        /// How far an approval reaches unless the approver says otherwise.
        package var scope: ApprovalRecord.Scope
        /// Where people reach the console (`{public_url}/console`); nil when it is off.
        package var console: String?

        package init(timeout: Duration = .seconds(900), scope: ApprovalRecord.Scope = .once, console: String? = nil) {
            self.timeout = timeout
            self.scope = scope
            self.console = console
        }

        /// The console's page for one approval: the Guards page, that request first.
        package func page(for id: String) -> String? {
            console.map { $0 + "#/guards?approval=" + id }
        }
    }

    /// What a held call finds.
    package enum Check: Sendable {
        /// An approval for it, now spent (or still good, for a wider scope).
        case approved(ApprovalRecord)
        /// Its request waits for a decision.
        case pending(ApprovalRecord)
        /// Its request was denied (and the denial has not expired).
        case denied(ApprovalRecord)
        /// Nothing yet: file a request.
        case none
    }

    private struct State {
        var records: [String: ApprovalRecord] = [:]
        /// Ids by binding, oldest first.
        var byBinding: [String: [String]] = [:]

        mutating func put(_ record: ApprovalRecord) {
            if records.updateValue(record, forKey: record.id) == nil { byBinding[record.binding, default: []].append(record.id) }
        }
    }

    package let settings: Settings
    private let state = Mutex(State())
    private let persist: @Sendable (ApprovalRecord) -> Void
    private let report: @Sendable (ApprovalRecord) -> Void
    private let now: @Sendable () -> Date

    /// `persist` writes a record to the store; `report` records a change of state (audit,
    /// log, metric). Both are called outside the lock.
    package init(
        settings: Settings, records: [ApprovalRecord] = [], persist: @escaping @Sendable (ApprovalRecord) -> Void,
        report: @escaping @Sendable (ApprovalRecord) -> Void, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.settings = settings
        self.persist = persist
        self.report = report
        self.now = now
        state.withLock { state in for record in records { state.put(record) } }
    }

    /// For a call held back by policy.
    package func check(principal: String, tool: String, argumentsDigest: String, session: String?) -> Check {
        let binding = principal + "\u{0}" + tool + "\u{0}" + argumentsDigest
        let at = now()
        var changed: [ApprovalRecord] = []
        let check = state.withLock { state -> Check in
            var found = Check.none
            for id in (state.byBinding[binding] ?? []).reversed() {
                guard var record = state.records[id] else { continue }
                if record.expiresAt <= at, record.state == .pending || record.state == .approved {
                    record.state = .expired
                    state.records[id] = record
                    changed.append(record)
                    continue
                }
                switch record.state {
                case .approved where record.scope != .session || record.session == session:
                    if record.scope == .once {
                        record.state = .used
                        state.records[id] = record
                        changed.append(record)
                    }
                    return .approved(record)
                case .pending:
                    if case .none = found { found = .pending(record) }
                case .denied:
                    if case .none = found, let decided = record.decidedAt, at.timeIntervalSince(decided) < settings.timeout.seconds { found = .denied(record) }
                default:
                    continue
                }
            }
            return found
        }
        for record in changed {
            persist(record)
            report(record)
        }
        return check
    }

    /// Files a request for a held call.
    package func request(
        principal: String, server: String, tool: String, argumentsDigest: String, summary: String, rule: String?, session: String?, terms: ApprovalTerms = .init()
    ) -> ApprovalRecord {
        let at = now()
        let record = ApprovalRecord(
            id: ApprovalRecord.newID(), principal: principal, server: server, tool: tool, argumentsDigest: argumentsDigest, summary: summary, rule: rule,
            session: session, scope: settings.scope, createdAt: at, expiresAt: at.addingTimeInterval(settings.timeout.seconds), terms: terms
        )
        state.withLock { $0.put(record) }
        persist(record)
        report(record)
        return record
    }

    /// A decision made here (the caller answered the gateway's question in its client): the
    /// record moves to approved (spent at once, for `once`) or denied. Nil when it is not
    /// pending, or when its rule does not let the client decide (a console or two-person rule).
    @discardableResult
    package func decide(_ id: String, approve: Bool, by: String, reason: String) -> ApprovalRecord? {
        let at = now()
        let decided = state.withLock { state -> ApprovalRecord? in
            guard var record = state.records[id], record.state == .pending, record.terms.decidedInClient else { return nil }
            if approve { record.approvedBy = [by] }
            record.state = approve ? (record.scope == .once ? .used : .approved) : .denied
            record.decidedBy = by
            record.reason = reason
            record.decidedAt = at
            if approve, record.scope == .hour { record.expiresAt = at.addingTimeInterval(3600) }
            state.records[id] = record
            return record
        }
        if let decided {
            persist(decided)
            report(decided)
        }
        return decided
    }

    /// The store's records: decisions made elsewhere replace what is held here; the changes
    /// come back (for the record of who decided).
    @discardableResult
    package func reload(_ records: [ApprovalRecord]) -> [ApprovalRecord] {
        state.withLock { state in
            var changed: [ApprovalRecord] = []
            for record in records {
                let held = state.records[record.id]
                // The store wins when it holds a decision (or a two-person rule's further
                // approver) this replica has not seen; a spend made here (used) is not undone
                // by an older copy.
                guard held == nil || (held!.state == .pending && (record.state != .pending || record.approvedBy != held!.approvedBy)) else { continue }
                state.put(record)
                if held != nil { changed.append(record) }
            }
            return changed
        }
    }

    package func record(id: String) -> ApprovalRecord? {
        state.withLock { $0.records[id] }
    }

    /// Every record held, newest first (tests).
    package var records: [ApprovalRecord] {
        state.withLock { Array($0.records.values) }.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
    }
}

extension Duration {
    /// Whole and fractional seconds, for `Date` arithmetic.
    fileprivate var seconds: TimeInterval {
        let (s, attoseconds) = components
        return TimeInterval(s) + TimeInterval(attoseconds) / 1e18
    }
}

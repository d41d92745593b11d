import Crypto
package import Logging
import Metrics
package import NIOCore
import NIOPosix
package import SwitchboardCore
package import SwitchboardGuards
import Synchronization

/// The guards on what servers tell models, as their tools lists pass through the catalogue:
/// each tool is pinned and scanned when first seen or changed (`DefinitionScanner`,
/// `PinLedger`), and a tool that is not approved — new without trust on first use, blocked by
/// the scanner, changed since approval, rejected — is taken out of every list and its calls
/// are refused (`Quarantine`), while the rest of its server keeps working. Clients are told to
/// list again when a tool is hidden or comes back.
///
/// Cost: a list whose tools are unchanged costs one SHA-256 of each tool's bytes and a lookup;
/// only new or changed definitions are scanned, off the event loop. Pins are written to the
/// store off the event loop too (`persist`), and reloaded when an operator decides
/// (`reload`).
package final class DefinitionGuard: Sendable {
    package struct Settings: Sendable {
        package var scanner: DefinitionScanner
        /// Per server; servers not named are `off`.
        package var policies: [String: PinPolicy]

        package init(scanner: DefinitionScanner, policies: [String: PinPolicy]) {
            self.scanner = scanner
            self.policies = policies
        }
    }

    /// A pin moved: the record as it is now and how it moved.
    package typealias Report = @Sendable (_ record: PinRecord, _ event: PinLedger.Event) -> Void

    private struct Key: Hashable {
        var server: String
        var name: String
        var kind: PinRecord.Kind = .tool
    }

    /// What a tool's bytes were found to be, so an unchanged list is not scanned again.
    private struct Screened {
        var name: String
        var pin: DefinitionPin
        var verdict: GuardVerdict
        var findings: [GuardFinding]
    }

    private struct State {
        var records: [Key: PinRecord] = [:]
        var accepted: Set<AcceptedFinding> = []
        /// Per server, SHA-256 of a tool's bytes → what it is.
        var screened: [String: [[UInt8]: Screened]] = [:]
        /// Per server, SHA-256 of its instructions → what they are.
        var instructions: [String: ([UInt8], Screened)] = [:]
        /// Moves whenever what clients may see changes.
        var generation: UInt64 = 0
    }

    package let settings: Settings
    private let state: Mutex<State>
    private let persist: @Sendable (PinRecord) -> Void
    private let report: Report
    private let exposureChanged: Mutex<(@Sendable () -> Void)?> = Mutex(nil)
    private let logger: Logger
    /// At most this many screened definitions kept per server (a server that changes its
    /// tools on every list cannot grow the cache without bound).
    private static let maxScreenedPerServer = 4_096
    /// `switchboard_guard_list_screen_seconds{outcome}`: a page through the guards, unchanged
    /// (hashed and looked up) or with new definitions scanned.
    private static let screenTime = (
        unchanged: Timer(label: "switchboard_guard_list_screen_seconds", dimensions: [("outcome", "unchanged")]),
        scanned: Timer(label: "switchboard_guard_list_screen_seconds", dimensions: [("outcome", "scanned")])
    )

    package init(settings: Settings, records: [PinRecord], accepted: Set<AcceptedFinding>, persist: @escaping @Sendable (PinRecord) -> Void,
                 report: @escaping Report, logger: Logger) {
        self.settings = settings
        self.persist = persist
        self.report = report
        self.logger = logger
        var initial = State()
        for record in records { initial.records[Key(server: record.server, name: record.name, kind: record.kind)] = record }
        initial.accepted = accepted
        state = Mutex(initial)
    }

    /// Called when a tool is hidden or comes back (the gateway tells clients to list again).
    package func onExposureChange(_ body: @escaping @Sendable () -> Void) {
        exposureChanged.withLock { $0 = body }
    }

    /// Moves when what clients may see changes: part of the merged lists' cache stamp.
    package var generation: UInt64 { state.withLock { $0.generation } }

    package func policy(_ server: String) -> PinPolicy { settings.policies[server] ?? PinPolicy(mode: .off) }

    // MARK: Lists

    /// A `tools/list` page (the `result`) from `server`, with the tools clients may not see
    /// taken out. `first`: the page asked without a cursor (a new listing begins); `others`:
    /// the other servers' tool names, the context of cross-server checks.
    package func screen(_ page: JSONView, server: String, first: Bool, others: [String: Set<String>] = [:], on loop: any EventLoop) -> EventLoopFuture<JSONView> {
        let tools = page["tools"]?.elements ?? []
        let complete = page["nextCursor"] == nil
        let mode = policy(server).mode
        guard mode != .off else { return loop.makeSucceededFuture(page) }
        let started = NIODeadline.now()
        let hashes = tools.map { tool in tool.bytes.withUnsafeReadableBytes { Array(SHA256.hash(data: $0)) } }
        // One lock: what is not screened yet, and what judging it needs.
        let (missing, accepted) = state.withLock { s in
            (zip(tools, hashes).filter { s.screened[server]?[$1] == nil }, s.accepted)
        }
        if missing.isEmpty {
            let screened = apply(page, tools: tools, hashes: hashes, server: server, complete: complete && first)
            Self.screenTime.unchanged.recordNanoseconds(Int64((NIODeadline.now() - started).nanoseconds))
            return loop.makeSucceededFuture(screened)
        }
        // New or changed definitions: scanned on a thread of the pool, not on the loop.
        return NIOThreadPool.singleton.runIfActive(eventLoop: loop) { [settings] in
            Self.scan(missing.map(\.0), server: server, others: others, accepted: accepted, scanner: settings.scanner)
        }.map { screened in
            self.state.withLock { s in
                var cache = s.screened[server] ?? [:]
                if cache.count + screened.count > Self.maxScreenedPerServer { cache = [:] }
                for ((_, hash), entry) in zip(missing, screened) { cache[hash] = entry }
                s.screened[server] = cache
            }
            let page = self.apply(page, tools: tools, hashes: hashes, server: server, complete: complete && first)
            Self.screenTime.scanned.recordNanoseconds(Int64((NIODeadline.now() - started).nanoseconds))
            return page
        }
    }

    /// Pins and verdicts for `tools` of `server`, judged against the names the other servers list.
    private static func scan(_ tools: [JSONView], server: String, others: [String: Set<String>], accepted: Set<AcceptedFinding>,
                             scanner: DefinitionScanner) -> [Screened] {
        var servers = [GuardCatalogue.Server(name: server, tools: tools)]
        for (name, names) in others.sorted(by: { $0.key < $1.key }) {
            var w = JSONWriter()
            w.beginArray()
            for tool in names.sorted() {
                w.beginObject()
                w.field("name", tool)
                w.endObject()
            }
            w.endArray()
            servers.append(GuardCatalogue.Server(name: name, tools: (try? JSONView.parse(w.buffer))?.elements ?? []))
        }
        let report = scanner.scan(GuardCatalogue(servers: servers), accepted: accepted, only: server)
        let items = report.servers.first?.items ?? []
        return zip(tools, items).map { tool, item in
            Screened(name: item.name, pin: DefinitionPin(tool: tool), verdict: item.verdict, findings: item.findings)
        }
    }

    /// Each tool observed against its pin; the page with what clients may not see taken out.
    /// `complete`: the page is the whole list (no cursor either way).
    private func apply(_ page: JSONView, tools: [JSONView], hashes: [[UInt8]], server: String, complete: Bool) -> JSONView {
        let policy = policy(server)
        var changed: [(PinRecord, PinLedger.Event)] = []
        var toPersist: [PinRecord] = []
        var exposureMoved = false
        let keep: [Bool] = state.withLock { s in
            var keep: [Bool] = []
            for hash in hashes {
                guard let screened = s.screened[server]?[hash] else {
                    keep.append(false)
                    continue
                }
                let key = Key(server: server, name: screened.name)
                let before = s.records[key]
                let outcome = PinLedger.observe(server: server, kind: .tool, name: screened.name, seen: screened.pin, verdict: screened.verdict,
                                                findings: screened.findings, current: before, policy: policy)
                if outcome.changed {
                    s.records[key] = outcome.record
                    toPersist.append(outcome.record)
                    if let event = outcome.event { changed.append((outcome.record, event)) }
                    // A tool seen for the first time is news the server announces itself.
                    if let before, before.exposed != outcome.record.exposed { exposureMoved = true }
                }
                keep.append(policy.mode == .warn || policy.mode == .approve || outcome.record.exposed)
            }
            // A complete list: what the server no longer lists is marked removed (kept, so a
            // tool that comes back as it was is no change).
            if complete {
                let listed = Set(hashes.compactMap { s.screened[server]?[$0]?.name })
                for (key, record) in s.records where key.kind == .tool && key.server == server && !record.removed && !listed.contains(key.name) {
                    var removed = record
                    removed.removed = true
                    s.records[key] = removed
                    toPersist.append(removed)
                }
            }
            if exposureMoved { s.generation &+= 1 }
            return keep
        }
        for record in toPersist { persist(record) }
        for (record, event) in changed {
            report(record, event)
        }
        if exposureMoved { exposureChanged.withLock { $0 }?() }
        guard keep.contains(false) else { return page }
        return Self.page(page, keeping: zip(tools, keep).filter(\.1).map(\.0))
    }

    /// `page` with its `tools` replaced by `tools`, every other member as it was.
    private static func page(_ page: JSONView, keeping tools: [JSONView]) -> JSONView {
        var w = JSONWriter()
        w.beginObject()
        for (key, value) in page.members {
            if key == "tools" {
                w.key("tools")
                w.beginArray()
                for tool in tools { w.raw(tool.bytes) }
                w.endArray()
            } else {
                w.field(key, raw: value.bytes)
            }
        }
        w.endObject()
        return (try? JSONView.parse(w.buffer)) ?? page
    }

    // MARK: Instructions

    /// Whether `server`'s `instructions` may reach clients (clients put them in the system
    /// prompt): pinned and scanned like a tool, hidden when pending, drifted or rejected.
    /// Unchanged text costs a hash; new text is scanned here (one string, well under a
    /// millisecond).
    package func admitInstructions(server: String, text: String) -> Bool {
        let policy = policy(server)
        guard policy.mode != .off else { return true }
        let hash = Array(SHA256.hash(data: Array(text.utf8)))
        let screened: Screened
        if let cached = state.withLock({ s in s.instructions[server].flatMap { $0.0 == hash ? $0.1 : nil } }) {
            screened = cached
        } else {
            let accepted = state.withLock { $0.accepted }
            let report = settings.scanner.scan(GuardCatalogue(servers: [GuardCatalogue.Server(name: server, instructions: text)]), accepted: accepted)
            let item = report.servers.first?.items.first
            screened = Screened(name: "instructions", pin: DefinitionPin(instructions: text), verdict: item?.verdict ?? .clean, findings: item?.findings ?? [])
            state.withLock { $0.instructions[server] = (hash, screened) }
        }
        let key = Key(server: server, name: "instructions", kind: .instructions)
        let outcome: PinLedger.Outcome = state.withLock { s in
            let outcome = PinLedger.observe(server: server, kind: .instructions, name: "instructions", seen: screened.pin, verdict: screened.verdict,
                                            findings: screened.findings, current: s.records[key], policy: policy)
            if outcome.changed { s.records[key] = outcome.record }
            return outcome
        }
        if outcome.changed { persist(outcome.record) }
        if let event = outcome.event { report(outcome.record, event) }
        return policy.mode == .warn || outcome.record.exposed
    }

    // MARK: Calls

    /// What holds a call to `tool` of `server` (named `federatedName` by the caller), a name
    /// the server lists, whose definition is not approved: refused as quarantined (`enforce`,
    /// with the reason and pin ids) or held for a human (`approve`); nil when it may go.
    package enum Hold: Sendable {
        case quarantined(GatewayError)
        case approval(PinRecord)
    }

    package func hold(server: String, tool: String, federatedName: String) -> Hold? {
        let mode = policy(server).mode
        guard mode == .enforce || mode == .approve else { return nil }
        return state.withLock { s in
            guard let record = s.records[Key(server: server, name: tool)], !record.exposed else { return nil }
            return mode == .enforce ? .quarantined(.toolQuarantined(Quarantine(record, federatedName: federatedName))) : .approval(record)
        }
    }

    /// The rule an approval held by `approve` mode names.
    package static let approvalRule = "guards.pins"

    // MARK: Decisions

    /// The records and accepted findings as the store has them now: an operator approved,
    /// rejected, imported or accepted something (in this process or another). A stored record
    /// about the definition this gateway last saw takes the stored decision; one about an older
    /// sighting gives only its approved pin (the newer sighting is on its way to the store).
    /// Tools approved come back, tools rejected go, and clients are told to list again.
    package func reload(records stored: [PinRecord], accepted: Set<AcceptedFinding>) {
        var moved = false
        var decided: [(PinRecord, PinLedger.Event)] = []
        state.withLock { s in
            for record in stored {
                let key = Key(server: record.server, name: record.name, kind: record.kind)
                guard let mine = s.records[key] else {
                    s.records[key] = record
                    if record.exposed { moved = true }
                    continue
                }
                var merged = mine
                if record.seen.hash == mine.seen.hash {
                    merged.state = record.state
                    merged.approved = record.approved
                    merged.decidedBy = record.decidedBy
                    merged.reason = record.reason
                } else if let approved = record.approved, approved != mine.approved {
                    merged.approved = approved
                    merged.decidedBy = record.decidedBy
                    merged.reason = record.reason
                    if approved.hash == mine.seen.hash { merged.state = .approved } else if mine.state == .approved { merged.state = .drifted }
                }
                guard merged != mine else { continue }
                s.records[key] = merged
                if merged.exposed != mine.exposed { moved = true }
                if merged.state != mine.state || merged.approved != mine.approved {
                    decided.append((merged, merged.state == .rejected ? .rejected : .approved))
                }
            }
            if s.accepted != accepted {
                s.accepted = accepted
                // Verdicts depend on what was accepted: judged again at the next list.
                s.screened = [:]
                s.instructions = [:]
            }
            if moved { s.generation &+= 1 }
        }
        for (record, event) in decided { report(record, event) }
        if moved { exposureChanged.withLock { $0 }?() }
    }

    /// Every record, for the admin API and tests.
    package var records: [PinRecord] {
        state.withLock { Array($0.records.values) }.sorted { ($0.server, $0.name) < ($1.server, $1.name) }
    }
}

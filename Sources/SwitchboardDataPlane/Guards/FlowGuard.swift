import Metrics
package import NIOCore
package import SwitchboardCore
import SwitchboardGuards
import SwitchboardPolicy
import Synchronization

/// `guards.flow`: a caller that was shown instructions to the model in a result (or the other
/// kinds of finding configured) is tainted for a while, and its calls to tools that can act
/// outside the conversation then need a human (or are refused). Text that tried to steer the
/// model cannot then quietly send data off or change things through another tool.
///
/// A legacy session is tainted as a whole; a 2026-07-28 caller, which has no session, by its
/// principal. In memory, bounded: at most `capacity` callers, the oldest taint dropped first
/// (a replica that never saw the result does not know of it; the taint is a brake on one
/// conversation, not a record).
package final class FlowGuard: Sendable {
    /// The rule an approval or refusal names.
    package static let rule = "guards.flow"

    package struct Taint: Sendable, Equatable {
        /// What tainted: `injection at content[0].text`.
        package var reason: String
        package var until: NIODeadline
    }

    let action: FlowGuardConfig.Action
    /// `switchboard_guard_flow_holds_total{action}`: calls held for a human or refused.
    private static let holds = Dictionary(uniqueKeysWithValues: [FlowGuardConfig.Action.approve, .block].map {
        ($0, Counter(label: "switchboard_guard_flow_holds_total", dimensions: [("action", $0.rawValue)]))
    })
    private let kinds: Set<String>
    private let window: TimeAmount
    private let capacity: Int
    private let taints = Mutex<[String: Taint]>([:])
    /// How many callers are tainted (expired ones included until met): read without the lock,
    /// so a call costs nothing here while nobody is.
    private let tainted = Atomic<Int>(0)

    package init(_ config: FlowGuardConfig, capacity: Int = 100_000) {
        action = config.action
        kinds = Set(config.after)
        window = config.window.timeAmount
        self.capacity = capacity
    }

    /// Taints the caller of `exchange` when `findings` (in a result it is about to be shown)
    /// hold a kind that taints.
    func saw(_ findings: [ResultScanner.Finding], _ exchange: MCPExchange) {
        saw(findings, caller: Self.key(exchange))
    }

    /// The taint a call of `exchange` to a tool with `annotations` meets, or nil when it may go
    /// on: the caller is not tainted, or the tool can only read inside the conversation.
    /// `holding`: how the call will be held (counted).
    func taint(for exchange: MCPExchange, tool annotations: @autoclosure () -> ToolAnnotations, holding: FlowGuardConfig.Action) -> Taint? {
        guard tainted.load(ordering: .relaxed) > 0 else { return nil }
        let taint = taint(caller: Self.key(exchange), tool: annotations())
        if taint != nil { Self.holds[holding]?.increment() }
        return taint
    }

    func saw(_ findings: [ResultScanner.Finding], caller key: String, now: NIODeadline = .now()) {
        guard action != .off, let finding = findings.first(where: { kinds.contains($0.kind) }) else { return }
        let taint = Taint(reason: "\(finding.kind) \(finding.rule) at \(finding.path)", until: now + window)
        taints.withLock { taints in
            if taints[key] == nil, taints.count >= capacity {
                taints = taints.filter { $0.value.until > now }
                if taints.count >= capacity, let oldest = taints.min(by: { $0.value.until < $1.value.until })?.key { taints[oldest] = nil }
            }
            taints[key] = taint
            tainted.store(taints.count, ordering: .relaxed)
        }
    }

    func taint(caller key: String, tool annotations: ToolAnnotations, now: NIODeadline = .now()) -> Taint? {
        guard action != .off, Self.actsOutside(annotations) else { return nil }
        return taints.withLock { taints in
            guard let taint = taints[key] else { return nil }
            guard taint.until > now else {
                taints[key] = nil
                tainted.store(taints.count, ordering: .relaxed)
                return nil
            }
            return taint
        }
    }

    /// Open to the world (a fetch can carry data off in its URL), or able to change things.
    /// Hints the tool does not give take MCP's defaults: both.
    static func actsOutside(_ annotations: ToolAnnotations) -> Bool {
        annotations.openWorld || (!annotations.readOnly && annotations.destructive)
    }

    private static func key(_ exchange: MCPExchange) -> String {
        exchange.session.isModern ? "p:" + exchange.caller.principal.id : "s:" + exchange.session.id
    }
}

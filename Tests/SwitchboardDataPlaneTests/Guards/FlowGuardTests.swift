import NIOCore
import SwitchboardCore
import SwitchboardGuards
import SwitchboardPolicy
import Testing

@testable import SwitchboardDataPlane

/// `guards.flow` alone, with an injected clock: who was shown what, which tools a tainted
/// caller meets it at, how long it lasts, and how many callers it remembers.
@Suite struct FlowGuardTests {
    static let injection = ResultScanner.Finding(rule: "O-ignore-instructions", kind: "injection", path: "content[0].text", redacted: false)
    static let pii = ResultScanner.Finding(rule: "pii-email", kind: "pii", path: "content[0].text", redacted: false)
    static let undeclared = ToolAnnotations()
    static let readsInside = ToolAnnotations(readOnly: true, destructive: false, idempotent: true, openWorld: false)
    static let fetches = ToolAnnotations(readOnly: true, destructive: false, idempotent: true, openWorld: true)
    static let writesInside = ToolAnnotations(readOnly: false, destructive: true, idempotent: false, openWorld: false)
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    @Test func aCallerShownInstructionsMeetsItAtToolsThatActOutside() {
        let flow = FlowGuard(FlowGuardConfig())
        #expect(flow.taint(caller: "s:1", tool: Self.undeclared, now: start) == nil)
        flow.saw([Self.pii], caller: "s:1", now: start)
        #expect(flow.taint(caller: "s:1", tool: Self.undeclared, now: start) == nil, "personal data does not taint by default")
        flow.saw([Self.pii, Self.injection], caller: "s:1", now: start)
        let taint = flow.taint(caller: "s:1", tool: Self.undeclared, now: start)
        #expect(taint?.reason == "injection O-ignore-instructions at content[0].text")
        #expect(flow.taint(caller: "s:1", tool: Self.fetches, now: start) != nil, "a fetch can carry data off")
        #expect(flow.taint(caller: "s:1", tool: Self.writesInside, now: start) != nil)
        #expect(flow.taint(caller: "s:1", tool: Self.readsInside, now: start) == nil)
        #expect(flow.taint(caller: "s:2", tool: Self.undeclared, now: start) == nil, "another session is not tainted")
    }

    @Test func itLastsTheWindowAndTheKindsAreConfigured() {
        let flow = FlowGuard(FlowGuardConfig(after: ["pii"], window: .seconds(60)))
        flow.saw([Self.injection], caller: "p:key:a", now: start)
        #expect(flow.taint(caller: "p:key:a", tool: Self.undeclared, now: start) == nil)
        flow.saw([Self.pii], caller: "p:key:a", now: start)
        #expect(flow.taint(caller: "p:key:a", tool: Self.undeclared, now: start + .seconds(59)) != nil)
        #expect(flow.taint(caller: "p:key:a", tool: Self.undeclared, now: start + .seconds(60)) == nil)
    }

    @Test func offTaintsNobodyAndTheOldestIsForgottenFirst() {
        let off = FlowGuard(FlowGuardConfig(action: .off))
        off.saw([Self.injection], caller: "s:1", now: start)
        #expect(off.taint(caller: "s:1", tool: Self.undeclared, now: start) == nil)

        let small = FlowGuard(FlowGuardConfig(), capacity: 2)
        small.saw([Self.injection], caller: "s:1", now: start)
        small.saw([Self.injection], caller: "s:2", now: start + .seconds(1))
        small.saw([Self.injection], caller: "s:3", now: start + .seconds(2))
        #expect(small.taint(caller: "s:1", tool: Self.undeclared, now: start + .seconds(2)) == nil)
        #expect(small.taint(caller: "s:2", tool: Self.undeclared, now: start + .seconds(2)) != nil)
        #expect(small.taint(caller: "s:3", tool: Self.undeclared, now: start + .seconds(2)) != nil)
    }
}

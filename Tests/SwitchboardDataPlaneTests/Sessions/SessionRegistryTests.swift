import Logging
import NIOCore
import NIOEmbedded
import SwitchboardCore
import SwitchboardPolicy
import Synchronization
import Testing
@testable import SwitchboardDataPlane

/// Sessions and admission in one place: legacy sessions and 2026-07-28 requests share
/// `sessions.max_sessions`; a stateless request's slot is released once, however it ends.
@Suite struct SessionRegistryTests {
    static func registry(maxSessions: Int = 2, idle: Duration = .seconds(60)) -> SessionRegistry {
        SessionRegistry(
            config: SessionsConfig(idleTimeout: idle, maxSessions: maxSessions), serverInfo: #"{"name":"switchboard"}"#, tap: nil,
            logger: Logger(label: "test")
        )
    }

    static let request = ModernRequest(version: "2026-07-28", capabilities: try! JSONView.parse(ByteBuffer(string: "{}")), clientName: "t", logLevel: nil)

    static func legacy(_ registry: SessionRegistry, caller: Principal = .anonymous()) -> DownstreamSession {
        registry.mint(revision: "2025-11-25", clientName: "t", capabilities: nil, caller: caller, virtualServer: nil)
    }

    @Test func legacySessionsAndStatelessRequestsShareTheBound() {
        let registry = Self.registry(maxSessions: 2)
        #expect(registry.admit(Self.legacy(registry)))
        let lease = registry.openStateless(Self.request, caller: .anonymous(), virtualServer: nil)
        #expect(lease != nil)
        #expect(registry.openStateless(Self.request, caller: .anonymous(), virtualServer: nil) == nil, "full")
        #expect(!registry.admit(Self.legacy(registry)), "full for legacy sessions too")
        #expect(!registry.hasRoom)

        lease?.end(cancel: false)
        lease?.end(cancel: true)  // a second end releases nothing more
        #expect(registry.openStateless(Self.request, caller: .anonymous(), virtualServer: nil) != nil)
        #expect(registry.openStateless(Self.request, caller: .anonymous(), virtualServer: nil) == nil, "one slot was freed, once")
    }

    @Test func aLeaseEndedByItsClientCancelsItsCallAndTellsWhoWaits() {
        let registry = Self.registry()
        let lease = registry.openStateless(Self.request, caller: .anonymous(), virtualServer: nil)!
        let told = Atomic<Int>(0)
        lease.whenEnded { told.add(1, ordering: .relaxed) }
        lease.end(cancel: true)
        #expect(lease.session.isClosed, "its call is cancelled with it")
        #expect(told.load(ordering: .relaxed) == 1)
        lease.whenEnded { told.add(1, ordering: .relaxed) }
        #expect(told.load(ordering: .relaxed) == 2, "a late observer is told at once")
    }

    @Test func aSessionIsFoundOnlyByItsCallerOnItsEndpoint() {
        let registry = Self.registry()
        let alice = Principal(kind: .apiKey, name: "alice")
        let session = Self.legacy(registry, caller: alice)
        #expect(registry.admit(session))
        #expect(registry.session(id: session.id, caller: alice, virtualServer: nil) === session)
        #expect(registry.session(id: session.id, caller: Principal(kind: .apiKey, name: "bob"), virtualServer: nil) == nil)
        #expect(registry.session(id: session.id, caller: alice, virtualServer: "crm") == nil)
        // An id this process does not hold is opened from its seal: the same session again.
        registry.end(id: session.id, revoke: false)
        let restored = registry.session(id: session.id, caller: alice, virtualServer: nil)
        #expect(restored?.id == session.id && restored !== session)
        // Ended for good: refused until it expires.
        registry.end(id: session.id)
        #expect(registry.session(id: session.id, caller: alice, virtualServer: nil) == nil)
    }

    @Test func idleSessionsAreForgottenButBusyOnesStay() {
        let registry = Self.registry(maxSessions: 10)
        let idle = Self.legacy(registry)
        let busy = Self.legacy(registry)
        #expect(registry.admit(idle) && registry.admit(busy))
        busy.attach(stream: RecordingStream())
        registry.sweepIdle(olderThan: .seconds(60), now: .now() + .seconds(61))
        #expect(registry.count == 1)
        #expect(registry.all.first === busy, "a session with an open stream is never idle")
        #expect(idle.isClosed)
    }
}

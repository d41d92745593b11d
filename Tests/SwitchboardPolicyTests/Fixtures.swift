import NIOCore
import SwitchboardCore
import Synchronization
import Testing

@testable import SwitchboardPolicy

enum Fixture {
    static func json(_ text: String) throws -> JSONView {
        try JSONView.parse(ByteBuffer(string: text))
    }

    static let alice = Principal(kind: .jwt, name: "alice@example.com", roles: ["admin"], tenant: "acme")
    static let agent = Principal(kind: .apiKey, name: "agent-7", roles: ["agent"], tenant: "acme")
    static let ciBot = Principal(kind: .apiKey, name: "ci-bot", roles: [], tenant: "acme")
    static let outsider = Principal(kind: .apiKey, name: "ci-other", roles: [], tenant: "globex")
    static let nobody = Principal.anonymous()

    static func tool(_ federatedName: String, _ annotations: ToolAnnotations = .init()) -> ToolFacts {
        let server = federatedName.split(separator: "__", maxSplits: 1).first.map(String.init) ?? federatedName
        return ToolFacts(federatedName: federatedName, server: server, annotations: annotations)
    }

    static func call(
        _ principal: Principal, _ federatedName: String, via virtualServer: String? = nil,
        annotations: ToolAnnotations = .init(), arguments: String? = nil
    ) throws -> CallFacts {
        CallFacts(
            principal: principal, virtualServer: virtualServer, tool: tool(federatedName, annotations),
            arguments: try arguments.map(json)
        )
    }

    static let readOnly = ToolAnnotations(readOnly: true, destructive: false, idempotent: true, openWorld: false)
}

/// Time the tests step by hand; starts at 2026-11-22T12:00:00Z.
final class ManualQuotaClock: QuotaClock {
    private let now = Mutex<(monotonic: Int64, wall: Int64)>((0, 1_795_348_800 * 1_000_000_000))

    var monotonicNanoseconds: Int64 { now.withLock { $0.monotonic } }
    var wallClockNanoseconds: Int64 { now.withLock { $0.wall } }

    func advance(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        now.withLock {
            $0.monotonic += nanoseconds
            $0.wall += nanoseconds
        }
    }

    /// Moves the wall clock alone, as an NTP step would.
    func setWall(secondsSinceEpoch: Int64) {
        now.withLock { $0.wall = secondsSinceEpoch * 1_000_000_000 }
    }
}

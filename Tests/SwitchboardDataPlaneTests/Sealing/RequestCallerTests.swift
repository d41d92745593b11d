import Logging
import NIOCore
import NIOPosix
import Synchronization
import SwitchboardCore
import SwitchboardDataPlane
import SwitchboardPolicy
import Testing

/// A legacy session outlives its requests, and its owner may come back with a refreshed token
/// carrying other roles, on requests that run at the same time: each request must be judged by
/// the caller it proved, never by the session's view of its owner or by another request's.
@Suite struct RequestCallerTests {
    final class Answers: DownstreamResponder {
        let finals = Mutex<[String]>([])
        func sendInterim(_ message: ByteBuffer) -> Bool { true }
        func sendFinal(_ message: ByteBuffer) { finals.withLock { $0.append(String(buffer: message)) } }
        func abandon() {}
    }

    static let call = try! JSONRPCMessage.parse(
        ByteBuffer(string: #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"crm__delete","arguments":{}}}"#), maxDepth: 64
    )

    /// Policy allows admins only; the tool is hidden from everyone else.
    func withGateway(_ body: (Gateway, any EventLoop) async throws -> Void) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // Nothing listens on port 9 here: an admitted call fails upstream, not in policy.
        let crm = ServerConfig(name: "crm", transport: .streamableHTTP(HTTPEndpoint(host: "127.0.0.1", port: 9, pathAndQuery: "/mcp")))
        let config = GatewayConfig(
            servers: [crm],
            policy: PolicyConfig(defaultEffect: .deny, rules: [.init(id: "admins", effect: .allow, match: .init(roles: ["admin"]))])
        )
        let logger = Logger(label: "test")
        let gateway = Gateway(config: config, group: group, logger: logger, version: "test", governance: try Governance(config: config, logger: logger), tap: nil)
        try await body(gateway, group.next())
        try await group.shutdownGracefully()
    }

    func answer(_ gateway: Gateway, _ session: DownstreamSession, _ caller: Principal, on loop: any EventLoop) async throws -> String {
        let answers = Answers()
        gateway.handle(Self.call, session: session, caller: RequestCaller(principal: caller), responder: answers, on: loop)
        for _ in 0..<200 {
            if let first = answers.finals.withLock({ $0.first }) { return first }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("no answer within 5 s")
        return ""
    }

    @Test func policyJudgesTheRequestsCallerNotTheSessions() async throws {
        try await withGateway { gateway, loop in
            let admin = Principal(kind: .jwt, name: "alice", roles: ["admin"])
            let reader = Principal(kind: .jwt, name: "alice", roles: ["reader"])
            let session = DownstreamSession(id: "s1", revision: "2025-11-25", clientCapabilities: nil, clientName: "t", tap: nil, principal: admin)

            // The session was opened with the admin token; this request shows only a reader's.
            let refused = try await answer(gateway, session, reader, on: loop)
            #expect(refused.contains("-32602") && refused.contains("crm__delete"), "\(refused)")

            // And the other way round: a reader's session, an admin's request, gets past policy
            // (and fails where it should, upstream).
            let readerSession = DownstreamSession(id: "s2", revision: "2025-11-25", clientCapabilities: nil, clientName: "t", tap: nil, principal: reader)
            let admitted = try await answer(gateway, readerSession, admin, on: loop)
            #expect(!admitted.isEmpty && !admitted.contains("-32602"), "\(admitted)")
        }
    }
}

import NIOCore
import SwitchboardCore
import SwitchboardPolicy
import SwitchboardTesting
import Testing
@testable import SwitchboardDataPlane

/// A legacy session outlives its requests, and its owner may come back with a refreshed token
/// carrying other roles, on requests that run at the same time: each request must be judged by
/// the caller it proved, never by the session's view of its owner or by another request's.
@Suite struct RequestCallerTests {
    static let call = #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"crm__delete","arguments":{}}}"#

    /// Policy allows admins only; the tool is hidden from everyone else.
    func fixture() throws -> GatewayFixture {
        try GatewayFixture([.init(name: "crm")]) { config in
            config.policy = PolicyConfig(defaultEffect: .deny, rules: [.init(id: "admins", effect: .allow, match: .init(roles: ["admin"]))])
        }
    }

    @Test func policyJudgesTheRequestsCallerNotTheSessions() throws {
        let gateway = try fixture()
        let admin = Principal(kind: .jwt, name: "alice", roles: ["admin"])
        let reader = Principal(kind: .jwt, name: "alice", roles: ["reader"])

        // The session was opened with the admin token; this request shows only a reader's.
        let adminSession = try gateway.session(caller: admin)
        let refused = try gateway.send(Self.call, in: adminSession, as: reader)
        #expect(try refused.finalView()["error"]?["code"]?.int == JSONRPCErrorCode.invalidParams)
        #expect(refused.final?.contains("crm__delete") == true)
        #expect(gateway["crm"].requests(MCPMethod.toolsCall).isEmpty)

        // And the other way round: a reader's session, an admin's request, reaches the server
        // (under the server's own name).
        let readerSession = try gateway.session(caller: reader)
        let admitted = try gateway.send(Self.call, in: readerSession, as: admin)
        #expect(admitted.final == nil, "waiting for the server")
        #expect(gateway["crm"].requests(MCPMethod.toolsCall).map { $0.params?["name"]?.string } == ["delete"])
    }
}

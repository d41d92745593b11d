import Foundation
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import SwitchboardControl
import SwitchboardCore
import SwitchboardDataPlane
import SwitchboardIdentity
import SwitchboardPolicy
import Testing

/// `/admin/v1/…` answered directly, without a listener: who may use it, and what it says.
@Suite struct AdminAPITests {
    struct Admin {
        let loop = EmbeddedEventLoop()
        let api: AdminAPI

        init(policy: PolicyConfig = PolicyConfig(), adminRoles: [String] = ["ops"]) throws {
            var auth = AuthConfig()
            auth.adminRoles = adminRoles
            let config = GatewayConfig(auth: auth, policy: policy)
            let logger = Logger(label: "test")
            let gateway = Gateway(config: config, group: loop, logger: logger, version: "test", governance: try Governance(config: config, logger: logger))
            let authentication = CallerAuthentication(auth: auth, listen: config.listen, keys: nil, tokens: nil)
            api = AdminAPI(gateway: gateway, config: config, authentication: authentication, keys: nil, credentials: nil)
        }

        func call(_ method: HTTPMethod, _ path: String, body: String = "", as caller: Principal) throws -> HTTPReply {
            let head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
            let reply = api.serve(head, path: path[...], body: ByteBuffer(string: body), caller: caller, on: loop)
            loop.run()
            return try reply.wait()
        }
    }

    static let ops = Principal(kind: .apiKey, name: "op", roles: ["ops"])

    static func object(_ reply: HTTPReply) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(reply.body.map { Array($0.readableBytesView) } ?? [])) as? [String: Any] ?? [:]
    }

    @Test func onlyAdminRolesGetIn() throws {
        let admin = try Admin()
        let refused = try admin.call(.GET, "/admin/v1/policy", as: Principal(kind: .apiKey, name: "dev", roles: ["dev"]))
        #expect(refused.status == .forbidden)
        #expect(try Self.object(refused)["error"] as? String == "the admin API needs one of the roles [\"ops\"]")
        #expect(try admin.call(.GET, "/admin/v1/policy", as: Self.ops).status == .ok)
    }

    @Test func thePolicyInForceAndADryRun() throws {
        let policy = PolicyConfig(defaultEffect: .deny, rules: [.init(id: "readers", effect: .allow, match: .init(roles: ["reader"]))])
        let admin = try Admin(policy: policy)
        let summary = try Self.object(try admin.call(.GET, "/admin/v1/policy", as: Self.ops))
        #expect(summary["default"] as? String == "deny")
        #expect(summary["rules"] as? [String] == ["readers"])

        let run = try Self.object(try admin.call(
            .POST, "/admin/v1/policy/test", body: #"{"tool":"crm__read","principal":"key:ann","roles":["reader"]}"#, as: Self.ops
        ))
        #expect(run["effect"] as? String == "allow")
        #expect(run["rule"] as? String == "readers")
        let refused = try admin.call(.POST, "/admin/v1/policy/test", body: #"{"tool":"crm__read","principal":"ann"}"#, as: Self.ops)
        #expect(refused.status == .badRequest)
    }

    @Test func storesThatAreOffAndUnknownEndpointsAreNotFound() throws {
        let admin = try Admin()
        let keys = try admin.call(.GET, "/admin/v1/keys", as: Self.ops)
        #expect(keys.status == .notFound)
        #expect(try Self.object(keys)["error"] as? String == "API keys are not enabled (auth.api_keys)")
        #expect(try admin.call(.GET, "/admin/v1/credentials", as: Self.ops).status == .notFound)
        #expect(try admin.call(.GET, "/admin/v1/nothing", as: Self.ops).status == .notFound)
    }
}

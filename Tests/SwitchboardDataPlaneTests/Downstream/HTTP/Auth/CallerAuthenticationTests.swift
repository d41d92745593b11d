import NIOCore
import NIOEmbedded
import NIOHTTP1
import SwitchboardCore
import SwitchboardIdentity
import SwitchboardPolicy
import Testing
@testable import SwitchboardDataPlane

/// How a request's credential is read, and who it proves, without the network.
@Suite struct CallerAuthenticationTests {
    @Test(arguments: [
        // Authorization, X-API-Key, what is read
        ("Bearer sb_abc_def", nil, "key sb_abc_def"),
        ("bearer   eyJ.x.y", nil, "bearer eyJ.x.y"),
        ("BEARER eyJ.x.y", "sb_k", "bearer eyJ.x.y"),  // Authorization wins over X-API-Key
        ("Basic dXNlcg==", nil, "unsupported"),
        ("Bearer ", nil, "unsupported"),
        (nil, "anything", "key anything"),
        (nil, "", "unsupported"),
        (nil, nil, "none"),
    ] as [(String?, String?, String)])
    func credentialsComeFromHeadersOnly(authorization: String?, apiKey: String?, read: String) {
        let credential = CallerCredential(authorization: authorization, apiKey: apiKey)
        let described: String
        switch credential {
        case .none: described = "none"
        case .apiKey(let key): described = "key \(key)"
        case .bearer(let token): described = "bearer \(token)"
        case .unsupported: described = "unsupported"
        }
        #expect(described == read)
    }

    static func head(_ headers: [(String, String)] = []) -> HTTPRequestHead {
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/mcp")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        head.headers.add(name: "Host", value: "gw.example")
        return head
    }

    @Test func withoutAuthEveryoneIsAnonymousAndCertificatesNameTheirHolder() {
        let open = CallerAuthentication(auth: nil, listen: ListenAddress(), keys: nil, tokens: nil)
        var remembered: RememberedKey?
        let loop = EmbeddedEventLoop()
        guard case .caller(let anyone) = open.authenticate(Self.head(), virtualServer: nil, remembered: &remembered, on: loop) else {
            Issue.record("expected the anonymous caller")
            return
        }
        #expect(anyone.principal.kind == .anonymous && anyone.bearerToken == nil)
        let holder = Principal(kind: .certificate, name: "agent-7")
        guard case .caller(let named) = open.authenticate(Self.head(), virtualServer: nil, certificate: holder, remembered: &remembered, on: loop) else {
            Issue.record("expected the certificate's holder")
            return
        }
        #expect(named.principal.id == holder.id)
        #expect(!open.isOAuthResourceServer)
    }

    @Test func aMissingCredentialIsChallengedWithTheMetadataURL() {
        let auth = AuthConfig(apiKeys: true)
        let guarded = CallerAuthentication(auth: auth, listen: ListenAddress(), keys: KeyDirectory(), tokens: nil)
        var remembered: RememberedKey?
        guard case .refused(let refusal) = guarded.authenticate(Self.head(), virtualServer: nil, remembered: &remembered, on: EmbeddedEventLoop()) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(refusal.status == .unauthorized && refusal.reason == "missing")
        #expect(refusal.challenge?.contains(#"resource_metadata="http://gw.example/.well-known/oauth-protected-resource/mcp""#) == true)
        guard case .refused(let unknown) = guarded.authenticate(
            Self.head([("X-API-Key", "sb_nope_nope")]), virtualServer: nil, remembered: &remembered, on: EmbeddedEventLoop()
        ) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(unknown.reason == "unknown_key" && !String(buffer: unknown.body).contains("sb_nope"), "the key is never echoed")
    }

    @Test func theAdminAPIIsForAdminRolesOrThisMachineWhenOpen() {
        let open = CallerAuthentication(auth: nil, listen: ListenAddress(host: "127.0.0.1", port: 1), keys: nil, tokens: nil)
        #expect(open.isAdmin(.anonymous()))
        let guarded = CallerAuthentication(auth: { var auth = AuthConfig(); auth.adminRoles = ["ops"]; return auth }(), listen: ListenAddress(), keys: nil, tokens: nil)
        #expect(guarded.isAdmin(Principal(kind: .apiKey, name: "a", roles: ["ops"])))
        #expect(!guarded.isAdmin(Principal(kind: .apiKey, name: "b", roles: ["dev"])))
    }
}

import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import SwitchboardCore
import SwitchboardUpstream
import SwitchboardTesting
import Testing

/// `credentials.delegated`: the token stored for the caller goes upstream as it is; a caller
/// with none is refused before anything is sent; the gateway's own requests carry none.
@Suite("Delegated credentials", .timeLimit(.minutes(1)))
struct DelegatedCredentialTests {
    @Test("a caller's stored token is sent; a caller without one is refused, naming principal and server")
    func sendsTheStoredToken() async throws {
        try await withEventLoops { loop, group in
            let mcp = AuthorizingMCPScript()
            let upstream = try await TestHTTPServer.start(group: group) { mcp.handle($0, $1) }
            var config = ServerConfig(name: "crm", transport: .streamableHTTP(CredentialFixtures.endpoint(upstream.port)), credentials: .delegated)
            config.era = .legacy
            let transport = UpstreamTransportFactory.make(config, loop, Logger(label: "test"))
            let server = UpstreamServer(config: config, transport: transport, eventLoop: loop, logger: Logger(label: "test"), clientVersion: "1")
            server.start()
            try await eventually { server.isReady }
            #expect(upstream.requests.allSatisfy { $0.header("Authorization") == nil }, "the handshake is the gateway's own")

            let calls = { upstream.requests.filter { $0.body.contains(#""method":"tools/call""#) } }
            // Not a JWT, no audience: nothing about it is checked but that it fits in a header.
            let meta = UpstreamRequestMeta(callerToken: "opaque-alice-token", callerID: "key:alice")
            let (_, accepted) = server.request(method: "tools/call", observer: nil, on: loop, meta: meta) { _ in ByteBuffer(string: #"{"name":"echo"}"#) }
            #expect(try await accepted.get().result != nil)
            #expect(calls().map { $0.headerValues("Authorization") } == [["Bearer opaque-alice-token"]])

            let (_, refused) = server.request(
                method: "tools/call", observer: nil, on: loop, meta: UpstreamRequestMeta(callerID: "key:carol")
            ) { _ in ByteBuffer(string: #"{"name":"echo"}"#) }
            await #expect(throws: UpstreamError.unavailable(server: "crm", reason: "no delegated credential for key:carol on crm")) {
                try await refused.get()
            }
            #expect(calls().count == 1, "nothing was sent for the caller without a token")

            // A 401 is the answer: the gateway cannot renew a stored token.
            mcp.refuse("Bearer stale-token")
            let (_, unauthorized) = server.request(
                method: "tools/call", observer: nil, on: loop, meta: UpstreamRequestMeta(callerToken: "stale-token", callerID: "key:bob")
            ) { _ in ByteBuffer(string: #"{"name":"echo"}"#) }
            await #expect(throws: (any Error).self) { try await unauthorized.get() }
            #expect(upstream.requests.filter { $0.header("Authorization") == "Bearer stale-token" }.count == 1, "sent once, not retried")

            let (_, own) = server.request(method: "tools/list", observer: nil, on: loop) { _ in nil }
            _ = try await own.get()
            let lists = upstream.requests.filter { $0.body.contains(#""method":"tools/list""#) }
            #expect(lists.count == 1 && lists.allSatisfy { $0.header("Authorization") == nil })
            try await server.stop().get()
            try await upstream.shutdown()
        }
    }

    @Test("the provider sends a delegated token without an audience check and never retries it")
    func providerSemantics() throws {
        let config = ServerConfig(name: "crm", transport: .streamableHTTP(CredentialFixtures.endpoint(1)), credentials: .delegated)
        // Answers come at once here: nothing is scheduled on the loop.
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let provider = try #require(UpstreamCredentialProvider.make(for: config, eventLoop: loop, logger: Logger(label: "test")))
        #expect(provider.usesCallerToken)
        #expect(!provider.renewsOnUnauthorized)
        guard case .ready(let own) = provider.authorization(callerToken: nil, on: loop) else {
            Issue.record("the gateway's own request needs no token")
            return
        }
        #expect(own.first(name: "Authorization") == nil)
        guard case .ready(let headers) = provider.authorization(callerToken: "t0k.en_~", on: loop) else {
            Issue.record("expected headers at once")
            return
        }
        #expect(headers["Authorization"] == ["Bearer t0k.en_~"])
        guard case .failed(let error) = provider.authorization(callerToken: "two\r\nlines", on: loop) else {
            Issue.record("a token that would split the header must not be sent")
            return
        }
        #expect(error == .unusableDelegatedCredential)
    }
}

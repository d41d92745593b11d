import NIOCore
import NIOHTTP1
import NIOPosix
import SwitchboardCore
import SwitchboardIdentity
import SwitchboardTesting
import Testing

/// The one-shot client the JWKS fetch and upstream token fetches share.
@Suite("OneShotHTTPClient", .timeLimit(.minutes(1)))
struct OneShotHTTPClientTests {
    @Test("a POST carries its body and headers; any status comes back with its body")
    func postAndStatus() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let server = try await TestHTTPServer.start(group: group) { request, responder in
            if request.body == "grant_type=client_credentials" {
                responder.json(#"{"error":"invalid_client"}"#, status: 401)
            } else {
                responder.respond(status: 204)
            }
        }
        let client = OneShotHTTPClient(
            url: WebURL(scheme: "http", host: "127.0.0.1", port: server.port, pathAndQuery: "/oauth/token?x=1"),
            group: group, timeout: .seconds(5), maxBodyBytes: 1024
        )
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let response = try await client.execute(method: .POST, headers: headers, body: Array("grant_type=client_credentials".utf8)).get()
        #expect(response.status == 401)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"error":"invalid_client"}"#)
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.uri == "/oauth/token?x=1")
        #expect(request.header("Host") == "127.0.0.1:\(server.port)")
        #expect(request.header("Content-Length") == "29")
        #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
        #expect(request.header("Connection") == "close")

        let empty = await client.response(method: .GET)
        #expect((try? empty.get())?.status == 204)
        try await server.shutdown()
    }

    @Test("a body over the limit and a refused connection fail with their reason")
    func failures() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let server = try await TestHTTPServer.start(group: group) { _, responder in
            responder.json(String(repeating: "x", count: 4096))
        }
        let url = WebURL(scheme: "http", host: "127.0.0.1", port: server.port, pathAndQuery: "/")
        let small = OneShotHTTPClient(url: url, group: group, timeout: .seconds(5), maxBodyBytes: 100)
        #expect(await small.response(method: .GET).oneShotFailure == .tooLarge(limit: 100))
        let refusing = try RefusingPort()
        let elsewhere = OneShotHTTPClient(
            url: WebURL(scheme: "http", host: "127.0.0.1", port: refusing.port, pathAndQuery: "/"), group: group, timeout: .seconds(5), maxBodyBytes: 100
        )
        try await server.shutdown()
        let refused = await elsewhere.response(method: .GET)
        withExtendedLifetime(refusing) {}
        guard case .connect? = refused.oneShotFailure else {
            Issue.record("expected a connect failure, got \(refused)")
            return
        }
    }
}

extension Result {
    fileprivate var oneShotFailure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

import Foundation
import Logging
import NIOCore
import SwitchboardCore
import SwitchboardUpstream
import SwitchboardTesting
import Testing

/// `credentials.bearer_file` and `headers_from_files`: secrets read from files, and read again
/// when the files change.
@Suite("Credentials from files upstream", .timeLimit(.minutes(1)))
struct StaticCredentialTests {
    @Test("bearer_file and headers_from_files are sent, and a rotated file applies without a restart")
    func rotation() async throws {
        let bearer = try CredentialFixtures.secretFile("first-token\n")
        let apiKey = try CredentialFixtures.secretFile("  key-one  ")
        defer {
            for path in [bearer, apiKey] { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        }
        try await withEventLoops { loop, group in
            let mcp = AuthorizingMCPScript()
            let upstream = try await TestHTTPServer.start(group: group) { mcp.handle($0, $1) }
            let config = ServerConfig(
                name: "crm",
                transport: .streamableHTTP(CredentialFixtures.endpoint(upstream.port)),
                headers: [.init(name: "X-Team", value: "platform")],
                headersFromFiles: [.init(name: "X-Api-Key", path: apiKey)],
                credentials: .bearerFile(path: bearer)
            )
            let clock = ManualClock()
            let (transport, _) = CredentialFixtures.streamable(config, loop: loop, clock: clock)
            try await transport.send(CredentialFixtures.ping(1), correlation: 1).get()
            var request = try #require(upstream.requests.last)
            #expect(request.headerValues("Authorization") == ["Bearer first-token"])
            #expect(request.headerValues("X-Api-Key") == ["key-one"])
            #expect(request.header("X-Team") == "platform")

            try "second-token".write(toFile: bearer, atomically: true, encoding: .utf8)
            try "key-two\n".write(toFile: apiKey, atomically: true, encoding: .utf8)
            // Within the check interval the held values stay; after it the files are read again.
            try await transport.send(CredentialFixtures.ping(2), correlation: 2).get()
            #expect(upstream.requests.last?.header("Authorization") == "Bearer first-token")
            clock.advance(by: .seconds(2))
            try await transport.send(CredentialFixtures.ping(3), correlation: 3).get()
            request = try #require(upstream.requests.last)
            #expect(request.header("Authorization") == "Bearer second-token")
            #expect(request.header("X-Api-Key") == "key-two")

            // A file that disappears keeps the last value in use rather than failing calls.
            try FileManager.default.removeItem(atPath: bearer)
            clock.advance(by: .seconds(2))
            try await transport.send(CredentialFixtures.ping(4), correlation: 4).get()
            #expect(upstream.requests.last?.header("Authorization") == "Bearer second-token")
            try await transport.close().get()
            try await upstream.shutdown()
        }
    }

    @Test("a credential file that was never readable fails the request, naming the key and not the content")
    func unreadableFile() async throws {
        try await withEventLoops { loop, group in
            let mcp = AuthorizingMCPScript()
            let upstream = try await TestHTTPServer.start(group: group) { mcp.handle($0, $1) }
            let config = ServerConfig(
                name: "crm", transport: .streamableHTTP(CredentialFixtures.endpoint(upstream.port)),
                credentials: .bearerFile(path: "/nonexistent/switchboard/token")
            )
            let (transport, _) = CredentialFixtures.streamable(config, loop: loop, clock: ManualClock())
            await #expect(throws: UpstreamCredentialError.unreadableFile(key: "credentials.bearer_file", reason: "/nonexistent/switchboard/token does not exist")) {
                try await transport.send(CredentialFixtures.ping(1), correlation: 1).get()
            }
            #expect(upstream.requests.isEmpty)
            try await transport.close().get()
            try await upstream.shutdown()
        }
    }

    @Test("an HTTP+SSE server gets the credentials on its event stream and on every POST")
    func legacySSE() async throws {
        let bearer = try CredentialFixtures.secretFile("sse-token")
        defer { try? FileManager.default.removeItem(atPath: (bearer as NSString).deletingLastPathComponent) }
        try await withEventLoops { loop, group in
            let upstream = try await TestHTTPServer.start(group: group) { request, responder in
                switch (request.method, request.path) {
                case ("GET", "/sse"):
                    responder.startEventStream()
                    responder.event("/messages", type: "endpoint")
                default:
                    responder.respond(status: 202)
                }
            }
            let config = ServerConfig(name: "old", transport: .sse(CredentialFixtures.endpoint(upstream.port, "/sse")), credentials: .bearerFile(path: bearer))
            let transport = UpstreamTransportFactory.make(config, loop, Logger(label: "test"))
            transport.setDelegate(TransportRecorder(eventLoop: loop))
            try await transport.connect().get()
            try await transport.send(CredentialFixtures.ping(1), correlation: 1).get()
            #expect(upstream.requests.map(\.method) == ["GET", "POST"])
            #expect(upstream.requests.allSatisfy { $0.headerValues("Authorization") == ["Bearer sse-token"] })
            try await transport.close().get()
            try await upstream.shutdown()
        }
    }
}

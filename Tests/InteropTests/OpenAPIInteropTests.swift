import Foundation
import Switchboard
import SwitchboardCore
import Testing

extension Interop {
    /// OpenAPI servers (issue 15): documents compiled into tools, called through the gateway by
    /// the official Python SDK client (which checks every structured result against the tool's
    /// output schema), against a real REST server: our notes API, Debian's Petstore 3.0 and
    /// kin-openapi's 3.1 document.
    @Suite struct OpenAPIInteropTests {
        static let kin = "/usr/share/gocode/src/github.com/getkin/kin-openapi"

        /// The three documents as gateway servers, the REST server at `port`.
        static func servers(port: Int) throws -> [ServerConfig] {
            let yaml = """
                servers:
                  notes:
                    openapi: \(PeerEnvironment.path("Tests/Peers/openapi/notes.yaml"))
                    base_url: http://127.0.0.1:\(port)/v1
                    security: {notes_key: secret-key}
                  petstore:
                    openapi: \(kin)/openapi3filter/testdata/petstore.yaml
                    base_url: http://127.0.0.1:\(port)
                  callbacks:
                    openapi: \(kin)/openapi3/testdata/callbacks.yml
                    base_url: http://127.0.0.1:\(port)
                """
            return try ConfigLoader.parse(yaml: yaml, path: PeerEnvironment.temporaryFile("openapi.yaml"), environment: [:]).servers
        }

        static func restServer() async throws -> (ChildProcessRunner, Int) {
            let child = try ChildProcessRunner(PeerEnvironment.python, [PeerEnvironment.path("Tests/Peers/servers/rest_api_server.py"), "--port", "0"])
            let port = try await child.waitForLine(prefix: "READY ", seconds: 30)
            guard let value = Int(port) else { throw HarnessError("bad READY line: \(port)") }
            return (child, value)
        }

        static func run(_ gateway: GatewayHarness, mode: String, calls: String) async throws -> [String: Any] {
            let child = try ChildProcessRunner(PeerEnvironment.python, [
                PeerEnvironment.path("Tests/Peers/clients/calls_client.py"), "--mode", mode, "--url", gateway.url, "--calls", calls,
            ])
            let status = await child.wait(seconds: 90)
            #expect(status == 0, "\(child.standardOutput.suffix(2000))\n\(child.standardError.suffix(3000))")
            let line = try #require(child.standardOutput.split(separator: "\n").last)
            return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }

        @Test func pythonSDKCallsRESTOperations() async throws {
            try PeerEnvironment.requirePeers()
            let (rest, port) = try await Self.restServer()
            defer { rest.stop() }
            try await GatewayHarness.with([], extra: try Self.servers(port: port)) { gateway in
                let calls = """
                    [["notes__createNote", {"title": "first", "tags": ["a", "b"]}],
                     ["notes__lastRequest", {"X-Request-Note": "probe"}],
                     ["notes__createNote", {"title": "second", "text": "hello", "tags": ["b"]}],
                     ["notes__listNotes", {"tag": ["b"], "limit": 5}],
                     ["notes__getNote", {"noteId": 1}],
                     ["notes__getNote", {"noteId": 99}],
                     ["notes__getNote", {}],
                     ["notes__deleteNote", {"noteId": 2}],
                     ["notes__moved", {}],
                     ["notes__report", {}],
                     ["notes__broken", {}],
                     ["petstore__addPet", {"name": "rex", "photoUrls": ["https://example.com/rex.png"], "num": 3}],
                     ["callbacks__post_other", {"queryUrl": "https://example.com/a?b=c&d"}],
                     ["callbacks__post_trans", {"id": "t1", "email": "a@example.com"}]]
                    """
                let out = try await Self.run(gateway, mode: "legacy", calls: calls)
                let tools = try #require(out["tools"] as? [String: [String: Any]])
                #expect(Set(tools.keys) == [
                    "notes__listNotes", "notes__createNote", "notes__getNote", "notes__deleteNote", "notes__lastRequest", "notes__moved",
                    "notes__report", "notes__broken", "petstore__addPet", "callbacks__post_trans", "callbacks__post_other",
                ])
                #expect((tools["notes__getNote"]?["annotations"] as? [String: Any])?["readOnlyHint"] as? Bool == true)
                #expect((tools["notes__deleteNote"]?["annotations"] as? [String: Any])?["destructiveHint"] as? Bool == true)
                #expect(tools["notes__getNote"]?["output"] is [String: Any])

                let results = try #require(out["calls"] as? [[String: Any]])
                #expect(results.count == 14)
                let exceptions = results.filter { $0["exception"] != nil }
                #expect(exceptions.isEmpty, "the SDK refused results: \(exceptions)")
                func structured(_ index: Int) -> [String: Any]? { results[index]["structured"] as? [String: Any] }
                func isError(_ index: Int) -> Bool { results[index]["error"] as? Bool ?? false }
                func text(_ index: Int) -> String { results[index]["text"] as? String ?? "" }

                #expect(structured(0)?["id"] as? Int == 1 && !isError(0), "\(results[0])")
                // The request the REST server saw: the configured key, a JSON body; no inbound credentials.
                let seen = structured(1)?["headers"] as? [String: String] ?? [:]
                #expect(structured(1)?["path"] as? String == "/v1/notes")
                #expect(seen["x-api-key"] == "secret-key")
                #expect(seen["content-type"] == "application/json")
                #expect(seen["authorization"] == nil && seen["mcp-session-id"] == nil, "\(seen)")
                let listed = structured(3)?["result"] as? [[String: Any]]
                #expect(listed?.compactMap { $0["title"] as? String } == ["second", "first"], "\(results[3])")
                #expect(structured(4)?["title"] as? String == "first")
                #expect(isError(5) && text(5).contains("HTTP 404") && text(5).contains("no note 99"), "\(results[5])")
                #expect(isError(6) && text(6).contains(#"missing required argument "noteId""#), "\(results[6])")
                #expect(!isError(7) && text(7).contains("204"), "\(results[7])")
                #expect(isError(8) && text(8).contains("redirects are not followed"), "\(results[8])")
                #expect(!isError(9) && text(9) == "1 notes", "\(results[9])")
                #expect(isError(10) && text(10).contains("not an object"), "\(results[10])")
                #expect(structured(11)?["id"] as? Int == 10 && structured(11)?["num"] as? Int == 3, "\(results[11])")
                #expect(structured(12)?["queryUrl"] as? String == "https://example.com/a?b=c&d", "\(results[12])")
                #expect((structured(13)?["subscribed"] as? [String: Any])?["email"] as? String == "a@example.com", "\(results[13])")

                // A 2026-07-28 client reaches the same operations.
                let modern = try await Self.run(gateway, mode: "2026-07-28", calls: #"[["notes__getNote", {"noteId": 1}], ["notes__listNotes", {}]]"#)
                let modernResults = try #require(modern["calls"] as? [[String: Any]])
                #expect((modernResults.first?["structured"] as? [String: Any])?["title"] as? String == "first", "\(modernResults)")
                #expect(((modernResults.last?["structured"] as? [String: Any])?["result"] as? [Any])?.count == 1, "\(modernResults)")
            }
        }

        /// A document that cannot be used stops the load with its reason; one whose operations
        /// cannot all be mapped loads the rest and names the others (`check`).
        @Test func unusableDocumentsAreConfigErrorsAndUnmappableOperationsFindings() async throws {
            try PeerEnvironment.requirePeers()
            let missing = try await runCheck(servers: "  api:\n    openapi: /no/such/openapi.yaml\n    base_url: http://127.0.0.1:9\n")
            #expect(missing.status != 0)
            #expect(missing.output.contains("servers.api.openapi") && missing.output.contains("no such file"), "\(missing.output)")

            let swagger = PeerEnvironment.temporaryFile("swagger.yaml")
            try "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n".write(toFile: swagger, atomically: true, encoding: .utf8)
            let old = try await runCheck(servers: "  api:\n    openapi: \(swagger)\n    base_url: http://127.0.0.1:9\n")
            #expect(old.status != 0 && old.output.contains("Swagger 2.0"), "\(old.output)")

            let noBase = try await runCheck(servers: "  api:\n    openapi: \(Self.kin)/openapi3filter/testdata/petstore.yaml\n")
            #expect(noBase.status != 0 && noBase.output.contains("set base_url"), "\(noBase.output)")

            let mixed = PeerEnvironment.temporaryFile("mixed.yaml")
            try """
                openapi: 3.1.0
                info: {title: mixed, version: '1'}
                paths:
                  /ok: {get: {operationId: ok, responses: {'200': {description: ok}}}}
                  /upload: {post: {operationId: upload, requestBody: {required: true, content: {multipart/form-data: {schema: {type: object}}}}, responses: {'200': {description: ok}}}}
                """.write(toFile: mixed, atomically: true, encoding: .utf8)
            let checked = try await runCheck(servers: "  api:\n    openapi: \(mixed)\n    base_url: http://127.0.0.1:9\n")
            #expect(checked.output.contains("POST /upload (upload)") && checked.output.contains("left out"), "\(checked.output)")
        }

        private func runCheck(servers: String) async throws -> (status: Int32, output: String) {
            let config = PeerEnvironment.temporaryFile("check.yaml")
            try "listen: 127.0.0.1:0\nservers:\n\(servers)".write(toFile: config, atomically: true, encoding: .utf8)
            let child = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["check", "--config", config])
            let status = await child.wait(seconds: 60)
            return (status, child.standardOutput + child.standardError)
        }
    }
}

import Foundation
import SwitchboardAudit
import Testing
import SwitchboardCore
import SwitchboardTesting
import Synchronization

extension Interop {
    /// 2026-07-28 clients on `/mcp`: the front door's checks (spec digest §1.4), results shaped
    /// for the era, and `input_required` bridging to legacy servers (§4.2), on one replica
    /// and across two.
    @Suite struct ModernClientTests {
        static let meta = #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{"elicitation":{}},"io.modelcontextprotocol/clientInfo":{"name":"raw","version":"1"}}"#

        static func headers(_ method: String, name: String? = nil, version: String = "2026-07-28") -> [String: String] {
            var h = ["MCP-Protocol-Version": version, "Mcp-Method": method]
            if let name { h["Mcp-Name"] = name }
            return h
        }

        static func result(_ response: RawHTTP.Response) -> [String: Any]? {
            response.json?["result"] as? [String: Any]
        }

        static let legacyAlpha = FeatureServer(name: "alpha", kind: .stdio, extraArguments: ["--era", "legacy"])

        @Test func frontDoorChecksHeadersAgainstTheBody() async throws {
            try await GatewayHarness.with([Self.legacyAlpha]) { gateway in
                let http = RawHTTP(url: gateway.url)
                let echo = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"alpha__echo","arguments":{"text":"hi"},\#(Self.meta)}}"#
                let cases: [(String, String, [String: String], Int, Int?)] = [
                    ("no version header", echo, ["Mcp-Method": "tools/call", "Mcp-Name": "alpha__echo"], 400, JSONRPCErrorCode.headerMismatch),
                    ("method header differs", echo, Self.headers("tools/list", name: "alpha__echo"), 400, JSONRPCErrorCode.headerMismatch),
                    ("no name header", echo, Self.headers("tools/call"), 400, JSONRPCErrorCode.headerMismatch),
                    ("name header differs", echo, Self.headers("tools/call", name: "alpha__status"), 400, JSONRPCErrorCode.headerMismatch),
                    ("version header differs", echo, Self.headers("tools/call", name: "alpha__echo", version: "2025-11-25"), 400, JSONRPCErrorCode.headerMismatch),
                    (
                        "unsupported version",
                        echo.replacingOccurrences(of: #""io.modelcontextprotocol/protocolVersion":"2026-07-28""#, with: #""io.modelcontextprotocol/protocolVersion":"2099-01-01""#),
                        Self.headers("tools/call", name: "alpha__echo", version: "2099-01-01"), 400, JSONRPCErrorCode.unsupportedProtocolVersion
                    ),
                    (
                        "no client capabilities",
                        #"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"#,
                        Self.headers("tools/list"), 400, JSONRPCErrorCode.invalidParams
                    ),
                    ("unknown method", #"{"jsonrpc":"2.0","id":1,"method":"nope/nothing","params":{\#(Self.meta)}}"#, Self.headers("nope/nothing"), 404, JSONRPCErrorCode.methodNotFound),
                    ("ping is gone", #"{"jsonrpc":"2.0","id":1,"method":"ping","params":{\#(Self.meta)}}"#, Self.headers("ping"), 404, JSONRPCErrorCode.methodNotFound),
                    ("a notification", #"{"jsonrpc":"2.0","method":"notifications/whatever","params":{\#(Self.meta)}}"#, Self.headers("notifications/whatever"), 202, nil),
                ]
                for (what, body, headers, status, code) in cases {
                    let response = try await http.post(body, headers: headers)
                    #expect(response.status == status, "\(what): \(response.status) \(response.body)")
                    if let code { #expect(response.errorCode == code, "\(what): \(response.body)") }
                }
                let unsupported = try await http.post(cases[5].1, headers: cases[5].2)
                let data = (unsupported.json?["error"] as? [String: Any])?["data"] as? [String: Any]
                #expect(data?["supported"] as? [String] == ["2026-07-28"], "\(unsupported.body)")
                #expect(data?["requested"] as? String == "2099-01-01")

                // The name travels base64-encoded when asked to; it still has to match.
                let encoded = MCPHeaderValue.encode(" alpha__echo")
                #expect(encoded.hasPrefix("=?base64?"))
                let mismatch = try await http.post(echo, headers: Self.headers("tools/call", name: encoded))
                #expect(mismatch.errorCode == JSONRPCErrorCode.headerMismatch)

                let ok = try await http.post(echo, headers: Self.headers("tools/call", name: "alpha__echo"))
                #expect(ok.status == 200, "\(ok.body)")
                #expect(Self.result(ok)?["resultType"] as? String == "complete", "\(ok.body)")
                #expect(ok.body.contains("hi"))
                #expect(ok.headers["mcp-session-id"] == nil, "no session is minted for 2026-07-28")

                // A server asking for input the request did not declare: -32021, naming it.
                let undeclared = #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"alpha__ask_user","arguments":{"question":"Q?"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#
                let missing = try await http.post(undeclared, headers: Self.headers("tools/call", name: "alpha__ask_user"))
                #expect(missing.status == 400, "\(missing.body)")
                #expect(missing.errorCode == JSONRPCErrorCode.missingRequiredClientCapability, "\(missing.body)")
                #expect(missing.body.contains("requiredCapabilities"))

                // No GET or DELETE without a legacy session.
                #expect(try await http.request("GET", headers: ["Accept": "text/event-stream"]).status == 405)
                #expect(try await http.request("DELETE").status == 405)
            }
        }

        @Test func discoverAndListsCarryResultTypeAndCacheHints() async throws {
            try await GatewayHarness.with([Self.legacyAlpha]) { gateway in
                let http = RawHTTP(url: gateway.url)
                let discover = try await http.post(#"{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{\#(Self.meta)}}"#, headers: Self.headers("server/discover"))
                #expect(discover.status == 200, "\(discover.body)")
                let result = try #require(Self.result(discover), "\(discover.body)")
                #expect(result["supportedVersions"] as? [String] == ["2026-07-28"])
                #expect(result["resultType"] as? String == "complete")
                #expect(result["ttlMs"] is Int)
                #expect(result["cacheScope"] as? String == "public")
                #expect((result["capabilities"] as? [String: Any])?["tools"] != nil)
                #expect(((result["_meta"] as? [String: Any])?["io.modelcontextprotocol/serverInfo"] as? [String: Any])?["name"] as? String == "switchboard")

                let list = try await http.post(#"{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{\#(Self.meta)}}"#, headers: Self.headers("tools/list"))
                let page = try #require(Self.result(list), "\(list.body)")
                #expect(page["resultType"] as? String == "complete")
                #expect(page["ttlMs"] is Int)
                #expect(page["cacheScope"] as? String == "public")
                #expect((page["tools"] as? [[String: Any]])?.contains { $0["name"] as? String == "alpha__echo" } == true)

                // A legacy client on the same gateway sees none of it.
                let initialize = try await http.post(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#)
                let session = ["Mcp-Session-Id": try #require(initialize.headers["mcp-session-id"]), "MCP-Protocol-Version": "2025-11-25"]
                let legacy = try await http.post(#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#, headers: session)
                #expect(Self.result(legacy)?["resultType"] == nil, "\(legacy.body)")
                #expect(try await http.post(#"{"jsonrpc":"2.0","id":3,"method":"server/discover","params":{}}"#, headers: session).errorCode == JSONRPCErrorCode.methodNotFound)
                _ = try await gateway.validateWire()
            }
        }

        /// A legacy server's elicitation mid-call becomes `input_required`; the retry with the
        /// sealed `requestState` resumes the same upstream call on the same gateway, and on a
        /// second gateway sharing the seal key it runs the call again with the answers given.
        @Test func inputRequiredResumesHereAndOnAnotherReplica() async throws {
            let sessions = SessionsConfig(sealKeys: [SealSecret(String(repeating: "k", count: 40))])
            let a = try await GatewayHarness.start([Self.legacyAlpha], sessions: sessions)
            let b = try await GatewayHarness.start([Self.legacyAlpha], sessions: sessions)
            let c = try await GatewayHarness.start([Self.legacyAlpha], sessions: SessionsConfig(sealKeys: [SealSecret(String(repeating: "z", count: 40))]))
            do {
                try await replicas(a, b, c)
            } catch {
                for g in [a, b, c] { await g.stop() }
                throw error
            }
            for g in [a, b, c] { await g.stop() }
        }

        /// The retry that takes over a held call is audited as a call of its own: its begin
        /// before its answers go upstream, its end with the final answer.
        @Test func aResumedCallHasItsOwnRecords() async throws {
            let journal = PeerEnvironment.temporaryFile("resume-audit")
            defer { try? FileManager.default.removeItem(atPath: journal) }
            let sessions = SessionsConfig(sealKeys: [SealSecret(String(repeating: "k", count: 40))])
            try await GatewayHarness.with([Self.legacyAlpha], sessions: sessions, configure: { $0.audit = AuditConfig(journal: journal) }) { gateway in
                let call = #"{"jsonrpc":"2.0","id":ID,"method":"tools/call","params":{"name":"alpha__ask_user","arguments":{"question":"Q?"}EXTRA,\#(Self.meta)}}"#
                let headers = Self.headers("tools/call", name: "alpha__ask_user")
                let first = try await RawHTTP(url: gateway.url).post(call.replacingOccurrences(of: "ID", with: "1").replacingOccurrences(of: "EXTRA", with: ""), headers: headers)
                let result = try #require(Self.result(first), "\(first.body)")
                let (key, _) = try #require((result["inputRequests"] as? [String: Any])?.first)
                let state = try #require(result["requestState"] as? String)
                let extra = #","inputResponses":{"\#(key)":{"action":"accept","content":{"answer":"42"}}},"requestState":"\#(state)""#
                let resumed = try await RawHTTP(url: gateway.url).post(call.replacingOccurrences(of: "ID", with: "2").replacingOccurrences(of: "EXTRA", with: extra), headers: headers)
                #expect(resumed.body.contains("answer: 42"), "\(resumed.body)")
                let records = try AuditReader(directory: journal, after: 0).next(limit: 100).filter { $0.event?.hasPrefix("call.") == true }
                let calls = records.map { "\($0.event ?? "") \($0["request_id"] ?? "")" }
                #expect(calls == ["call.begin 1", "call.end 1", "call.begin 2", "call.end 2"], "\(calls)")
                #expect(records.last?["outcome"] == "ok")
            }
        }

        private func replicas(_ a: GatewayHarness, _ b: GatewayHarness, _ c: GatewayHarness) async throws {
            let call = #"{"jsonrpc":"2.0","id":ID,"method":"tools/call","params":{"name":"alpha__ask_user","arguments":{"question":"Q?"}EXTRA,\#(Self.meta)}}"#
            let headers = Self.headers("tools/call", name: "alpha__ask_user")

            func ask(_ gateway: GatewayHarness, id: Int) async throws -> (key: String, state: String) {
                let first = try await RawHTTP(url: gateway.url).post(call.replacingOccurrences(of: "ID", with: String(id)).replacingOccurrences(of: "EXTRA", with: ""), headers: headers)
                let result = try #require(Self.result(first), "\(first.body)")
                #expect(result["resultType"] as? String == "input_required", "\(first.body)")
                let requests = try #require(result["inputRequests"] as? [String: Any], "\(first.body)")
                let (key, request) = try #require(requests.first)
                #expect((request as? [String: Any])?["method"] as? String == "elicitation/create")
                return (key, try #require(result["requestState"] as? String))
            }
            func retry(_ gateway: GatewayHarness, id: Int, key: String, state: String) async throws -> RawHTTP.Response {
                let extra = #","inputResponses":{"\#(key)":{"action":"accept","content":{"answer":"42"}}},"requestState":"\#(state)""#
                return try await RawHTTP(url: gateway.url).post(call.replacingOccurrences(of: "ID", with: String(id)).replacingOccurrences(of: "EXTRA", with: extra), headers: headers)
            }

            // Same gateway: the held upstream call resumes.
            let (key1, state1) = try await ask(a, id: 1)
            let resumed = try await retry(a, id: 2, key: key1, state: state1)
            #expect(Self.result(resumed)?["resultType"] as? String == "complete", "\(resumed.body)")
            #expect(resumed.body.contains("answer: 42"), "\(resumed.body)")

            // A state resumes once; a retry with other arguments is not the request it was given for.
            let replay = try await retry(a, id: 21, key: key1, state: state1)
            #expect(replay.errorCode == JSONRPCErrorCode.invalidParams, "\(replay.body)")
            #expect(replay.body.contains("already used"), "\(replay.body)")
            let (keyX, stateX) = try await ask(a, id: 22)
            let otherArguments = call.replacingOccurrences(of: "Q?", with: "Other?").replacingOccurrences(of: "ID", with: "23")
                .replacingOccurrences(of: "EXTRA", with: #","inputResponses":{"\#(keyX)":{"action":"accept","content":{"answer":"1"}}},"requestState":"\#(stateX)""#)
            let mismatched = try await RawHTTP(url: a.url).post(otherArguments, headers: headers)
            #expect(mismatched.body.contains("belongs to another request"), "\(mismatched.body)")
            // While that call waits, another call's question goes to that other call.
            let (key24, state24) = try await ask(a, id: 24)
            #expect(try await retry(a, id: 26, key: key24, state: state24).body.contains("answer: 42"))
            let finished = try await retry(a, id: 25, key: keyX, state: stateX)
            #expect(finished.body.contains("answer: 42"), "\(finished.body)")

            // Another gateway with the same key: the call runs again there, answered from the retry.
            let (key2, state2) = try await ask(a, id: 3)
            let elsewhere = try await retry(b, id: 4, key: key2, state: state2)
            #expect(elsewhere.body.contains("answer: 42"), "\(elsewhere.body)")

            // A gateway with another key cannot read the state, and a legacy server never
            // issues one: invalid params, and nothing reaches the server.
            let (key3, state3) = try await ask(a, id: 5)
            let foreign = try await retry(c, id: 6, key: key3, state: state3)
            #expect(foreign.errorCode == JSONRPCErrorCode.invalidParams, "\(foreign.body)")
            #expect(foreign.body.contains("requestState"))
            // Tampered state: the same.
            let tampered = String(state3.dropLast(2)) + (state3.hasSuffix("AA") ? "BB" : "AA")
            #expect(try await retry(a, id: 7, key: key3, state: tampered).errorCode == JSONRPCErrorCode.invalidParams)
            _ = try await a.validateWire()
            _ = try await b.validateWire()
        }

        /// `alpha__slow` as a 2026-07-28 request in a curl process that closes its connection
        /// after `giveUpAfter` seconds whatever the state of the call.
        static func slowCall(seconds: Int, giveUpAfter: Double, gateway: GatewayHarness) throws -> ChildProcessRunner {
            let body = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"alpha__slow","arguments":{"seconds":\#(seconds),"steps":\#(seconds)},\#(meta)}}"#
            let file = PeerEnvironment.temporaryFile("slow.json")
            try body.write(toFile: file, atomically: true, encoding: .utf8)
            var args = ["-s", "--max-time", String(giveUpAfter), "-H", "Content-Type: application/json", "-H", "Accept: application/json, text/event-stream"]
            for (name, value) in headers("tools/call", name: "alpha__slow") { args += ["-H", "\(name): \(value)"] }
            return try ChildProcessRunner("/usr/bin/curl", args + ["--data-binary", "@\(file)", gateway.url])
        }

        /// A 2026-07-28 request is a session while it lasts: `max_sessions` bounds them together
        /// with the legacy sessions.
        @Test func requestsInFlightCountAgainstMaxSessions() async throws {
            try await GatewayHarness.with([Self.legacyAlpha], sessions: SessionsConfig(maxSessions: 1)) { gateway in
                let http = RawHTTP(url: gateway.url)
                let echo = #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"alpha__echo","arguments":{"text":"x"},\#(Self.meta)}}"#
                #expect(try await http.post(echo, headers: Self.headers("tools/call", name: "alpha__echo")).status == 200)
                // A legacy session takes the one slot: a 2026-07-28 request is refused.
                let initialize = try await http.post(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#)
                let session = try #require(initialize.headers["mcp-session-id"], "\(initialize.body)")
                let refused = try await http.post(echo, headers: Self.headers("tools/call", name: "alpha__echo"))
                #expect(refused.status == 503, "\(refused.body)")
                #expect(refused.errorCode == JSONRPCErrorCode.overloaded, "\(refused.body)")
                // The slot is free again once the session ends.
                #expect(try await http.request("DELETE", headers: ["Mcp-Session-Id": session]).status == 200)
                let after = try await http.post(echo, headers: Self.headers("tools/call", name: "alpha__echo"))
                #expect(after.status == 200, "\(after.body)")
            }
        }

        /// Closing a 2026-07-28 request's stream cancels the call upstream (§1.4).
        @Test func closingTheStreamCancelsUpstream() async throws {
            try await GatewayHarness.with([Self.legacyAlpha]) { gateway in
                let curl = try Self.slowCall(seconds: 30, giveUpAfter: 1.5, gateway: gateway)
                _ = await curl.wait(seconds: 10)
                let http = RawHTTP(url: gateway.url)
                let status = #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"alpha__status","arguments":{},\#(Self.meta)}}"#
                let cancelled = try await http.pollCounter("slow_cancelled", request: status, headers: Self.headers("tools/call", name: "alpha__status"))
                #expect(cancelled == 1)
            }
        }

        /// The tasks extension passes through between 2026-07-28 ends (§4.5): the server's
        /// task ids reach the client as `{server}__{id}`, and tasks/get finds the server again
        /// with its own id in the body and in `Mcp-Name` (the test server checks both).
        @Test func tasksPassThroughWithGatewayNamedIDs() async throws {
            try PeerEnvironment.requirePeers()
            let server = try ChildProcessRunner(PeerEnvironment.python, [PeerEnvironment.path("Tests/Peers/servers/tasks_server.py"), "--port", "0"])
            defer { server.stop() }
            let port = try #require(Int(try await server.waitForLine(prefix: "READY ", seconds: 30)))
            let jobs = ServerConfig(name: "jobs", transport: .streamableHTTP(HTTPEndpoint(host: "127.0.0.1", port: port, pathAndQuery: "/mcp")))
            try await GatewayHarness.with([], extra: [jobs]) { gateway in
                let http = RawHTTP(url: gateway.url)
                let tasksMeta = #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{"extensions":{"io.modelcontextprotocol/tasks":{}}}}"#
                let discover = try await http.post(#"{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{\#(tasksMeta)}}"#, headers: Self.headers("server/discover"))
                #expect(discover.body.contains(#""extensions":{"io.modelcontextprotocol/tasks":{}}"#), "\(discover.body)")

                let call = try await http.post(#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"jobs__job","arguments":{"seconds":0.3},\#(tasksMeta)}}"#, headers: Self.headers("tools/call", name: "jobs__job"))
                let created = try #require(Self.result(call), "\(call.body)")
                #expect(created["resultType"] as? String == "task", "\(call.body)")
                let taskID = try #require(created["taskId"] as? String)
                // `{server}__{tag}.{id}`: the tag binds the task to its caller and endpoint.
                #expect(taskID.hasPrefix("jobs__") && taskID.hasSuffix(".t-1") && taskID.count == "jobs__".count + 22 + ".t-1".count, "\(taskID)")

                let polls = Atomic<Int>(10)
                let last = try await eventuallyValue("the task completed", every: .milliseconds(100)) { () -> RawHTTP.Response? in
                    let id = polls.add(1, ordering: .relaxed).oldValue
                    let get = try await http.post(#"{"jsonrpc":"2.0","id":\#(id),"method":"tasks/get","params":{"taskId":"\#(taskID)",\#(tasksMeta)}}"#, headers: Self.headers("tasks/get", name: taskID))
                    #expect(Self.result(get)?["taskId"] as? String == taskID, "\(get.body)")
                    return Self.result(get)?["status"] as? String == "completed" ? get : nil
                }
                #expect(Self.result(last)?["status"] as? String == "completed", "\(last.body)")
                #expect(last.body.contains("job done"))
                let cancel = try await http.post(#"{"jsonrpc":"2.0","id":90,"method":"tasks/cancel","params":{"taskId":"\#(taskID)",\#(tasksMeta)}}"#, headers: Self.headers("tasks/cancel", name: taskID))
                #expect(Self.result(cancel)?["resultType"] as? String == "complete", "\(cancel.body)")
                let unknown = try await http.post(#"{"jsonrpc":"2.0","id":91,"method":"tasks/get","params":{"taskId":"nope__t-1",\#(tasksMeta)}}"#, headers: Self.headers("tasks/get", name: "nope__t-1"))
                #expect(unknown.errorCode == JSONRPCErrorCode.invalidParams, "\(unknown.body)")
                // A task id with another tag (another caller's, or made up) names no task.
                let forged = "jobs__" + String(repeating: "A", count: 22) + ".t-1"
                let stolen = try await http.post(#"{"jsonrpc":"2.0","id":93,"method":"tasks/get","params":{"taskId":"\#(forged)",\#(tasksMeta)}}"#, headers: Self.headers("tasks/get", name: forged))
                #expect(stolen.errorCode == JSONRPCErrorCode.invalidParams, "\(stolen.body)")

                // A client without the extension gets the result itself, and tasks stay out of
                // a legacy client's view.
                let plain = try await http.post(#"{"jsonrpc":"2.0","id":92,"method":"tools/call","params":{"name":"jobs__job","arguments":{"seconds":0.1},\#(Self.meta)}}"#, headers: Self.headers("tools/call", name: "jobs__job"))
                #expect(plain.body.contains("synchronously"), "\(plain.body)")
                let initialize = try await http.post(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#)
                #expect(!initialize.body.contains("io.modelcontextprotocol/tasks"), "\(initialize.body)")
                _ = try await gateway.validateWire()
            }
        }

        /// A 2025-11-25 server's -32042 (URL elicitation required) reaches a 2026-07-28 client
        /// as `input_required` with URL-mode elicitations; the retry runs the call again (§4.2).
        @Test func urlElicitationRequiredBecomesInputRequired() async throws {
            let server = FeatureServer(name: "alpha", kind: .stdio, extraArguments: ["--era", "legacy", "--url-elicitation"])
            try await GatewayHarness.with([server]) { gateway in
                let http = RawHTTP(url: gateway.url)
                let urlMeta = #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{"elicitation":{"form":{},"url":{}}}}"#
                let headers = Self.headers("tools/call", name: "alpha__needs_url")
                let first = try await http.post(#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"alpha__needs_url","arguments":{},\#(urlMeta)}}"#, headers: headers)
                let result = Self.result(first)
                if result?["resultType"] as? String == "input_required" {
                    let requests = try #require(result?["inputRequests"] as? [String: [String: Any]], "\(first.body)")
                    let (key, request) = try #require(requests.first)
                    let params = request["params"] as? [String: Any]
                    #expect(params?["mode"] as? String == "url")
                    #expect((params?["url"] as? String)?.hasPrefix("https://example.com/authorize/") == true)
                    #expect(params?["elicitationId"] == nil, "2026-07-28 has no elicitationId")
                    let state = try #require(result?["requestState"] as? String)
                    let retry = #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"alpha__needs_url","arguments":{},"inputResponses":{"\#(key)":{"action":"accept"}},"requestState":"\#(state)",\#(urlMeta)}}"#
                    let done = try await http.post(retry, headers: headers)
                    #expect(done.body.contains("authorized"), "\(done.body)")
                } else {
                    Issue.record("expected input_required: \(first.body)")
                }
                // Without elicitation.url the client is told what it lacks (the server's next
                // call asks for the URL again).
                let lacking = try await http.post(#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"alpha__needs_url","arguments":{},\#(Self.meta)}}"#, headers: headers)
                #expect(lacking.errorCode == JSONRPCErrorCode.missingRequiredClientCapability, "\(lacking.body)")
                #expect(lacking.body.contains("elicitation.url"))
                _ = try await gateway.validateWire()
            }
        }
    }
}

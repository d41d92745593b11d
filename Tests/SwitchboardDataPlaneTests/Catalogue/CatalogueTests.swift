import NIOCore
import SwitchboardCore
import SwitchboardTesting
import Testing
@testable import SwitchboardDataPlane

/// The merged catalogue as clients see it: every server's items under `{server}__` names, one
/// cursor over all servers, a failing server left out, and merges reused while nothing changed.
@Suite struct CatalogueTests {
    static func tools(_ names: [String], next: String? = nil) -> String {
        let items = names.map { #"{"name":""# + $0 + #"","inputSchema":{"type":"object"}}"# }.joined(separator: ",")
        return #"{"tools":["# + items + "]" + (next.map { #","nextCursor":""# + $0 + #"""# } ?? "") + "}"
    }

    static let list = #"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#

    static func names(_ answer: RecordingResponder) throws -> [String] {
        try answer.finalView()["result"]?["tools"]?.elements.compactMap { $0["name"]?.string } ?? []
    }

    @Test func serversAreMergedInConfigOrderUnderTheirNames() throws {
        let gateway = try GatewayFixture([
            .init(name: "b", script: { _ in .result(Self.tools(["x", "y"])) }),
            .init(name: "a", script: { _ in .result(Self.tools(["x"])) }),
        ])
        let answer = try gateway.send(Self.list, in: try gateway.session())
        #expect(try Self.names(answer) == ["b__x", "b__y", "a__x"])
    }

    @Test func aFailingServerIsLeftOutNotTheWholeList() throws {
        let gateway = try GatewayFixture([
            .init(name: "ok", script: { _ in .result(Self.tools(["x"])) }),
            .init(name: "down", script: { _ in .error(code: -32603, message: "boom") }),
        ])
        let answer = try gateway.send(Self.list, in: try gateway.session())
        #expect(try Self.names(answer) == ["ok__x"])
    }

    @Test func oneCursorWalksEveryServersPages() throws {
        let gateway = try GatewayFixture([
            .init(name: "a", script: { request in
                request.params?["cursor"]?.string == "a2" ? .result(Self.tools(["p2"])) : .result(Self.tools(["p1"], next: "a2"))
            }),
            .init(name: "b", script: { _ in .result(Self.tools(["only"])) }),
        ])
        let session = try gateway.session()
        let first = try gateway.send(Self.list, in: session)
        #expect(try Self.names(first) == ["a__p1", "b__only"])
        let cursor = try #require(try first.finalView()["result"]?["nextCursor"]?.string)
        let second = try gateway.send(#"{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"cursor":"# + JSONWriter.quoted(cursor) + "}}", in: session)
        #expect(try Self.names(second) == ["a__p2"], "only the server with more pages is asked")
        #expect(try second.finalView()["result"]?["nextCursor"] == nil)
        #expect(gateway["b"].requests(MCPMethod.toolsList).count == 1)

        let bad = try gateway.send(#"{"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"cursor":"nonsense"}}"#, in: session)
        #expect(try bad.finalView()["error"]?["code"]?.int == JSONRPCErrorCode.invalidParams)
    }

    /// A page with `ttlMs` (2026-07-28) is kept while fresh even from a server that does not
    /// announce changes; one without is fetched every time.
    @Test func aPageWithATTLIsKeptWhileFresh() throws {
        let gateway = try GatewayFixture([
            .init(name: "a", script: { _ in .result(#"{"tools":[{"name":"x","inputSchema":{"type":"object"}}],"ttlMs":60000}"#) }),
            .init(name: "b", script: { _ in .result(Self.tools(["y"])) }),
        ])
        let session = try gateway.session()
        try gateway.send(Self.list, in: session)
        try gateway.send(Self.list, in: session)
        #expect(gateway["a"].requests(MCPMethod.toolsList).count == 1)
        #expect(gateway["b"].requests(MCPMethod.toolsList).count == 2)
    }

    @Test func aServerThatAnnouncesChangesIsAskedAgainOnlyAfterOne() throws {
        let gateway = try GatewayFixture([
            .init(name: "a", capabilities: #"{"tools":{"listChanged":true}}"#, script: { _ in .result(Self.tools(["x"])) }),
        ])
        let session = try gateway.session()
        try gateway.send(Self.list, in: session)
        try gateway.send(Self.list, in: session)
        #expect(gateway["a"].requests(MCPMethod.toolsList).count == 1, "the second list is the cached merge")
        gateway["a"].deliver(#"{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}"#)
        gateway.run()
        try gateway.send(Self.list, in: session)
        #expect(gateway["a"].requests(MCPMethod.toolsList).count == 2)
    }

    /// A name no model API accepts is shown mapped, and called by that name reaches the server
    /// under its own; a duplicate is reported once.
    @Test func badNamesAreMappedAndDuplicatesReportedOnce() throws {
        let gateway = try GatewayFixture([.init(name: "a", script: { request in
            request.method == MCPMethod.toolsList ? .result(Self.tools(["ok", "bad name", "ok"])) : .result(#"{"content":[]}"#)
        })])
        let session = try gateway.session()
        let answer = try gateway.send(Self.list, in: session)
        #expect(try Self.names(answer) == ["a__ok", "a__bad_name"])
        try gateway.send(Self.list, in: session)
        let findings = gateway.gateway.catalogue.findings.map(\.description)
        #expect(findings.count == 1, "\(findings)")
        #expect(findings.contains { $0.contains("listed twice") })
        try gateway.send(#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"a__bad_name","arguments":{}}}"#, in: session)
        #expect(gateway["a"].requests(MCPMethod.toolsCall).first?.params?["name"]?.string == "bad name")
    }

    /// With an alias, a rename and `prefix: none`, lists show the chosen names and calls by them
    /// reach the right server under its own names; policy still names the canonical tool.
    @Test func configuredNamesAreShownAndReadBack() throws {
        let gateway = try GatewayFixture([
            .init(name: "github", script: { request in
                request.method == MCPMethod.toolsList ? .result(Self.tools(["issues.create", "search"])) : .result(#"{"content":[]}"#)
            }),
            .init(name: "docs", script: { request in
                request.method == MCPMethod.toolsList ? .result(Self.tools(["lookup", "search"])) : .result(#"{"content":[]}"#)
            }),
        ]) { config in
            config.servers[0].names = ServerNamesConfig(alias: "gh", tools: ["issues.create": "new_issue"])
            config.servers[1].names = ServerNamesConfig(prefix: .none)
        }
        let session = try gateway.session()
        #expect(try Self.names(try gateway.send(Self.list, in: session)) == ["gh__new_issue", "gh__search", "lookup", "search"])
        for (id, shown) in ["gh__new_issue", "search", "lookup"].enumerated() {
            try gateway.send(#"{"jsonrpc":"2.0","id":"# + String(id + 10) + #","method":"tools/call","params":{"name":""# + shown + #"","arguments":{}}}"#, in: session)
        }
        #expect(gateway["github"].requests(MCPMethod.toolsCall).compactMap { $0.params?["name"]?.string } == ["issues.create"])
        #expect(gateway["docs"].requests(MCPMethod.toolsCall).compactMap { $0.params?["name"]?.string } == ["search", "lookup"])
        // The canonical name is not a shown one.
        let unknown = try gateway.send(#"{"jsonrpc":"2.0","id":20,"method":"tools/call","params":{"name":"github__search","arguments":{}}}"#, in: session)
        #expect(try unknown.finalView()["error"]?["message"]?.string?.contains("github__search") == true)
    }

    @Test func resourcesAreRoutedToTheServerThatListedThem() throws {
        let gateway = try GatewayFixture([
            .init(name: "docs", capabilities: #"{"resources":{}}"#, script: { request in
                switch request.method {
                case MCPMethod.resourcesList: .result(#"{"resources":[{"uri":"file:///readme","name":"r"}]}"#)
                case MCPMethod.resourceTemplatesList: .result(#"{"resourceTemplates":[]}"#)
                default: .result(#"{"contents":[]}"#)
                }
            }),
            .init(name: "other", capabilities: #"{"resources":{}}"#, script: { request in
                request.method == MCPMethod.resourcesList ? .result(#"{"resources":[]}"#) : .result(#"{"resourceTemplates":[]}"#)
            }),
        ])
        let session = try gateway.session()
        let read = try gateway.send(#"{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"file:///readme"}}"#, in: session)
        #expect(try read.finalView()["result"] != nil)
        #expect(gateway["docs"].requests(MCPMethod.resourcesRead).count == 1)
        #expect(gateway["other"].requests(MCPMethod.resourcesRead).isEmpty)
        let missing = try gateway.send(#"{"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"file:///nowhere"}}"#, in: session)
        #expect(try missing.finalView()["error"]?["code"]?.int == JSONRPCErrorCode.resourceNotFound)
    }
}

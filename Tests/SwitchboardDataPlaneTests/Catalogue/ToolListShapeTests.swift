import NIOCore
import SwitchboardCore
import SwitchboardPolicy
import SwitchboardTesting
import Testing

@testable import SwitchboardDataPlane

/// A virtual server's own shape of the tools list: a cap, and the search mode whose
/// `call_tool` is routed, and judged, exactly as a direct call.
@Suite struct ToolListShapeTests {
    static func answering(_ tools: [String]) -> GatewayFixture.Server {
        .init(name: "gh", script: { request in
            switch request.method {
            case MCPMethod.toolsList:
                let items = tools.map { #"{"name":""# + $0 + #"","description":"\#($0) things in a repository","inputSchema":{"type":"object","properties":{"repo":{"type":"string"}}}}"# }
                return .result(#"{"tools":["# + items.joined(separator: ",") + "]}")
            default:
                return .result(#"{"content":[{"type":"text","text":"done"}]}"#)
            }
        })
    }

    static func fixture(maxTools: Int? = nil, search: ToolSearchConfig? = nil, policy: PolicyConfig? = nil) throws -> GatewayFixture {
        try GatewayFixture([answering(["create_issue", "list_issues", "merge_pull_request", "delete_repo", "star"])]) { config in
            var coding = VirtualServerConfig(name: "coding", tools: ["*"])
            coding.maxTools = maxTools
            coding.search = search
            config.virtualServers = [coding]
            if let policy { config.policy = policy }
        }
    }

    static func names(_ answer: RecordingResponder) throws -> [String] {
        try answer.finalView()["result"]?["tools"]?.elements.compactMap { $0["name"]?.string } ?? []
    }

    static let list = #"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#

    static func call(_ name: String, _ arguments: String) -> String {
        #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":""# + name + #"","arguments":"# + arguments + "}}"
    }

    @Test func aCapCutsTheListButNotTheCalls() throws {
        let gateway = try Self.fixture(maxTools: 2)
        let session = try gateway.session(virtualServer: "coding")
        #expect(try Self.names(try gateway.send(Self.list, in: session)) == ["gh__create_issue", "gh__list_issues"])
        // /mcp itself is not capped.
        #expect(try Self.names(try gateway.send(Self.list, in: try gateway.session())).count == 5)
        try gateway.send(Self.call("gh__star", "{}"), in: session)
        #expect(gateway["gh"].requests(MCPMethod.toolsCall).first?.params?["name"]?.string == "star")
    }

    @Test func searchModeListsTheSearchToolsAndTheAlwaysOnes() throws {
        let gateway = try Self.fixture(search: ToolSearchConfig(always: ["gh__star"], results: 2))
        let session = try gateway.session(virtualServer: "coding")
        #expect(try Self.names(try gateway.send(Self.list, in: session)) == ["search_tools", "call_tool", "gh__star"])
        let found = try gateway.send(Self.call("search_tools", #"{"query":"merge pull"}"#), in: session).finalView()
        let tools = found["result"]?["structuredContent"]?["tools"]?.elements.compactMap { $0["name"]?.string }
        #expect(tools == ["gh__merge_pull_request"])
        let text = try #require(found["result"]?["content"]?.elements.first?["text"]?.string)
        #expect(text.contains("gh__merge_pull_request"))
        // At most `results` (2) tools.
        let many = try gateway.send(Self.call("search_tools", #"{"query":"repository"}"#), in: session).finalView()
        #expect(many["result"]?["structuredContent"]?["tools"]?.elements.count == 2)
        let bad = try gateway.send(Self.call("search_tools", #"{"limit":3}"#), in: session).finalView()
        #expect(bad["error"]?["code"]?.int == -32602)
    }

    /// A `prefix: none` server's own `search_tools` is not shown under the gateway's name:
    /// the book prefixes it, so it is listed once, under its own name, and reachable.
    @Test func aServerToolUnderASearchModeNameIsNotListedTwice() throws {
        let gateway = try GatewayFixture([Self.answering(["search_tools", "star"])]) { config in
            config.servers[0].names.prefix = .none
            var coding = VirtualServerConfig(name: "coding", tools: ["*"])
            coding.search = ToolSearchConfig(always: ["gh__search_tools", "gh__star"], results: 2)
            config.virtualServers = [coding]
        }
        let session = try gateway.session(virtualServer: "coding")
        #expect(try Self.names(try gateway.send(Self.list, in: session)) == ["search_tools", "call_tool", "gh__search_tools", "star"])
        try gateway.send(Self.call("gh__search_tools", "{}"), in: session)
        #expect(gateway["gh"].requests(MCPMethod.toolsCall).first?.params?["name"]?.string == "search_tools")
        let reasons = gateway.gateway.catalogue.shownTools.book.mappings.flatMap(\.reasons).map(\.description)
        #expect(reasons.contains("prefixed: the gateway (its own tool) shows the same name"), "\(reasons)")
    }

    @Test func callToolReachesTheServerAsADirectCall() throws {
        let gateway = try Self.fixture(search: ToolSearchConfig())
        let session = try gateway.session(virtualServer: "coding")
        let answer = try gateway.send(Self.call("call_tool", #"{"name":"gh__create_issue","arguments":{"repo":"a/b","title":"x"}}"#), in: session)
        #expect(try answer.finalView()["result"]?["content"]?.elements.first?["text"]?.string == "done")
        let sent = try #require(gateway["gh"].requests(MCPMethod.toolsCall).first)
        #expect(sent.params?["name"]?.string == "create_issue")
        #expect(sent.params?["arguments"]?.rawText == #"{"repo":"a/b","title":"x"}"#)
        // Audit and metrics name the tool called, not `call_tool`.
        #expect(answer.exchange?.calledName == "gh__create_issue")
        let unknown = try gateway.send(Self.call("call_tool", #"{"name":"gh__nope"}"#), in: session).finalView()
        #expect(unknown["error"]?["message"]?.string?.contains("gh__nope") == true)
    }

    @Test func policyJudgesTheToolCallToolNames() throws {
        let policy = PolicyConfig(rules: [PolicyRuleConfig(id: "no-deletes", effect: .deny, match: CallMatchConfig(tools: ["*__delete_*"]))])
        let gateway = try Self.fixture(search: ToolSearchConfig(), policy: policy)
        let session = try gateway.session(virtualServer: "coding")
        let denied = try gateway.send(Self.call("call_tool", #"{"name":"gh__delete_repo","arguments":{"repo":"a/b"}}"#), in: session).finalView()
        #expect(denied["error"] != nil)
        #expect(gateway["gh"].requests(MCPMethod.toolsCall).isEmpty)
        // Nor does a search show it.
        let found = try gateway.send(Self.call("search_tools", #"{"query":"delete repo"}"#), in: session).finalView()
        let names = found["result"]?["structuredContent"]?["tools"]?.elements.compactMap { $0["name"]?.string } ?? []
        #expect(!names.contains("gh__delete_repo"))
    }
}

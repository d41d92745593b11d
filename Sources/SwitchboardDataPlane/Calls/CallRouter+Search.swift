import Logging
import NIOCore
import SwitchboardCore
import SwitchboardPolicy

/// A virtual server's own shape of the tools list (`virtual_servers.NAME.max_tools` and
/// `search`): for clients that cap a request's tools (OpenAI and VS Code at 128, Cursor at 80)
/// or cannot search a large catalogue themselves. In search mode the list holds
/// `search_tools` and `call_tool` and the `always` tools; `call_tool` is routed exactly as a
/// direct call of the tool it names (policy, quotas, guards, approvals, audit).
extension CallRouter {
    static let searchTool = NameBook.searchTool
    static let callTool = NameBook.callTool

    /// The caller's virtual server when it shapes the tools list.
    func toolListShape(_ exchange: MCPExchange) -> VirtualServer? {
        guard let name = exchange.session.virtualServer, let server = governance.current.virtualServers.server(named: name),
            server.search != nil || server.maxTools != nil
        else { return nil }
        return server
    }

    /// The whole list in one page, as the caller may see it, cut to the cap.
    func listShapedTools(_ exchange: MCPExchange, shape: VirtualServer) {
        guard exchange.message.params?["cursor"] == nil else {
            exchange.fail(.invalidCursor)
            return
        }
        catalogue.fullList(.tools, on: exchange.loop).whenComplete { result in
            guard case .success(let items) = result else {
                exchange.fail(.internalError("the tools list could not be read"))
                return
            }
            let rules = self.governance.current
            let names = self.catalogue.shownTools.book
            var shown: [ByteBuffer] = []
            var visible = items.filter { CallerView.showsTool($0, to: exchange.caller.principal, through: shape.name, rules: rules, names: names) }
            if let search = shape.search {
                shown = [Self.searchToolDefinition(results: search.results), Self.callToolDefinition]
                visible = visible.filter { item in item["name"]?.string.flatMap(names.route).map { search.alwaysLists($0.canonical) } ?? false }
            }
            let room = max(0, (shape.maxTools ?? Int.max) - shown.count)
            if visible.count > room {
                self.logger.warning("tools list cut to the virtual server's max_tools", metadata: [
                    "switchboard.virtual_server": "\(shape.name)", "switchboard.tools": "\(visible.count + shown.count)",
                    "switchboard.max_tools": "\(shape.maxTools ?? 0)",
                ])
                visible = Array(visible.prefix(room))
            }
            shown += visible.map(\.bytes)
            exchange.reply(ToolListJSON.encode(shown), cacheScope: "private")
        }
    }

    /// `search_tools`: the best tools for `query` among those the caller may call here.
    func searchTools(_ exchange: MCPExchange, shape: VirtualServer, search: VirtualServer.Search) {
        let arguments = exchange.message.params?["arguments"]
        guard let query = arguments?["query"]?.string, !query.isEmpty, query.utf8.count <= 1024 else {
            exchange.fail(.invalidParams("search_tools needs arguments.query, a non-empty string of at most 1,024 bytes"))
            return
        }
        let given = arguments?["limit"]
        if let given, given.int.map({ (1...50).contains($0) }) != true {
            exchange.fail(.invalidParams("search_tools' arguments.limit is a whole number from 1 to 50"))
            return
        }
        let limit = given?.int ?? search.results
        catalogue.toolSearch(on: exchange.loop).whenComplete { result in
            guard case .success(let index) = result else {
                exchange.fail(.internalError("the tools list could not be read"))
                return
            }
            let rules = self.governance.current
            let names = self.catalogue.shownTools.book
            let found = index.search(query, limit: limit) { i in
                guard let item = try? JSONView.parse(index.item(at: i).item) else { return false }
                return CallerView.showsTool(item, to: exchange.caller.principal, through: shape.name, rules: rules, names: names)
            }
            let text = String(buffer: ToolListJSON.encode(found.map(\.item)))
            exchange.reply(TextToolResult.make(text, structured: text))
        }
    }

    /// `call_tool`: the tool `arguments.name` names, with `arguments.arguments`, routed as if
    /// called directly; the server gets the tool's own name and those arguments.
    func callThroughSearch(_ exchange: MCPExchange, approved: Bool = false) {
        guard let params = exchange.message.params, let outerName = params["name"], let outer = params["arguments"],
            let nameView = outer["name"], let name = nameView.string
        else {
            exchange.fail(.invalidParams("call_tool needs arguments.name, the name of a tool search_tools found"))
            return
        }
        let inner = outer["arguments"]
        if let inner, !inner.isObject {
            exchange.fail(.invalidParams("call_tool's arguments.arguments is an object"))
            return
        }
        let edit = (outer, inner.map { String(buffer: $0.bytes) } ?? "{}")
        let proceed: @Sendable (NameBook.Route?) -> Void = { route in
            guard let route, let server = self.servers.named(route.server) else {
                self.refuse(exchange, .unknownTool(name), server: nil)
                return
            }
            self.admit(
                exchange, kind: .tools, shown: name, route: route, server: server, arguments: inner,
                edits: [(outerName, JSONWriter.quoted(route.upstream)), edit], approved: approved, wrapped: true
            )
        }
        if let route = catalogue.knownRoute(.tools, name) { proceed(route) } else { catalogue.learnRoute(.tools, name, on: exchange.loop, proceed) }
    }

    static func searchToolDefinition(results: Int) -> ByteBuffer {
        ByteBuffer(string: #"{"name":"search_tools","description":"Search the tools available here by what they do. Returns up to "#
            + String(results)
            + #" tools (name, description, input schema), best first; call one with call_tool.","inputSchema":{"type":"object","properties":{"query":{"type":"string","description":"Words describing the task, e.g. 'create github issue'."},"limit":{"type":"integer","minimum":1,"maximum":50,"description":"Most tools to return."}},"required":["query"]},"annotations":{"readOnlyHint":true,"openWorldHint":false}}"#)
    }

    static let callToolDefinition = ByteBuffer(string: #"{"name":"call_tool","description":"Call a tool that search_tools found, by its name, with its arguments.","inputSchema":{"type":"object","properties":{"name":{"type":"string","description":"The tool's name as search_tools returned it."},"arguments":{"type":"object","description":"The tool's arguments, as its input schema says."}},"required":["name"]}}"#)
}

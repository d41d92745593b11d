import NIOCore
import NIOHTTP1
import SwitchboardCore

/// The REST front door (PRODUCT.md): `GET /api/v1/tools` (the caller's catalogue, MCP's shape
/// or `?format=openai`) and `POST /api/v1/tools/{name}/call` (the body is the arguments; the
/// answer is the tool's result). Each request runs as a 2026-07-28 MCP request through the
/// gateway itself, so identity, policy, quotas, guards, approvals and audit are exactly those
/// of `/mcp`; errors come back as `application/problem+json` (RFC 9457) with the JSON-RPC code.
/// `?virtual_server=NAME` serves a virtual server's part of the catalogue.
struct RESTEndpoint: Sendable {
    let gateway: Gateway
    let maxJSONDepth: Int

    func serve(_ endpoint: GatewayPath, _ request: HTTPRequest, query: Substring, on loop: any EventLoop) -> EventLoopFuture<HTTPReply> {
        switch endpoint {
        case .restTools:
            guard request.head.method == .GET || request.head.method == .HEAD else {
                return loop.makeSucceededFuture(HTTPRefusal.methodNotAllowed(allow: "GET"))
            }
            let format = QueryString.value("format", in: query)
            guard format == nil || format == "mcp" || format == "openai" else {
                return loop.makeSucceededFuture(RESTProblem.reply(status: .badRequest, title: "Bad request", detail: "format is mcp or openai"))
            }
            let strict = QueryString.value("strict", in: query) == "true"
            return tools(request, openAI: format == "openai", strict: strict, on: loop)
        case .restCall(let name):
            guard request.head.method == .POST else { return loop.makeSucceededFuture(HTTPRefusal.methodNotAllowed(allow: "POST")) }
            return call(request, name: String(name), on: loop)
        case .openAIToolCalls:
            guard request.head.method == .POST else { return loop.makeSucceededFuture(HTTPRefusal.methodNotAllowed(allow: "POST")) }
            return toolCalls(request, strict: QueryString.value("strict", in: query) == "true", on: loop)
        default:
            return loop.makeSucceededFuture(HTTPRefusal.notFound)
        }
    }

    /// Every page of the caller's `tools/list`.
    private func tools(_ request: HTTPRequest, openAI: Bool, strict: Bool, on loop: any EventLoop) -> EventLoopFuture<HTTPReply> {
        @Sendable func next(_ cursor: String?, _ items: [ByteBuffer], _ pages: Int) -> EventLoopFuture<HTTPReply> {
            let params = cursor.map { #"{"cursor":"# + JSONWriter.quoted($0) + "}" } ?? "{}"
            return run(MCPMethod.toolsList, params: params, request, on: loop).flatMap { answer in
                guard case .result(let result) = answer else { return loop.makeSucceededFuture(RESTProblem.reply(answer)) }
                let collected = items + (result["tools"]?.elements.map(\.bytes) ?? [])
                if let cursor = result["nextCursor"]?.string, pages < 1000 { return next(cursor, collected, pages + 1) }
                return loop.makeSucceededFuture(HTTPReply(.ok, body: openAI ? OpenAITools.encode(collected, strict: strict) : ToolListJSON.encode(collected)))
            }
        }
        return next(nil, [], 1)
    }

    private func call(_ request: HTTPRequest, name: String, on loop: any EventLoop) -> EventLoopFuture<HTTPReply> {
        var arguments = "{}"
        if request.body.readableBytes > 0 {
            guard let body = try? JSONView.parse(request.body, maxDepth: maxJSONDepth), body.isObject else {
                return loop.makeSucceededFuture(RESTProblem.reply(status: .badRequest, title: "Bad request", detail: "the body is the tool's arguments: a JSON object"))
            }
            arguments = String(buffer: body.bytes)
        }
        return callTool(name, arguments: arguments, request, on: loop).map { answer in
            guard case .result(let result) = answer else { return RESTProblem.reply(answer) }
            if result["resultType"]?.string == "input_required" {
                return RESTProblem.reply(
                    status: .conflict, title: "Input required",
                    detail: "the tool asks the caller a question (elicitation), which the REST front door cannot answer; call it through /mcp"
                )
            }
            return HTTPReply(.ok, body: Self.plain(result))
        }
    }

    /// The result without what the 2026-07-28 envelope added (`resultType`, the gateway's
    /// `serverInfo`): a REST caller gets the tool's result as the tool gave it.
    static func plain(_ result: JSONView) -> ByteBuffer {
        var drop: Set<String> = ["resultType"]
        if let meta = result["_meta"], meta.members.allSatisfy({ $0.0 == MCPMeta.serverInfo }) { drop.insert("_meta") }
        return JSONSplice.removing(drop, from: result) ?? result.bytes
    }

    private func callTool(_ name: String, arguments: String, _ request: HTTPRequest, on loop: any EventLoop) -> EventLoopFuture<Answer> {
        run(MCPMethod.toolsCall, params: InternalCall.callParams(name: name, arguments: arguments), request, on: loop)
    }

    /// Most tool calls one request may run (each is a request of its own through the gateway).
    static let maxToolCalls = 64

    /// An assistant message's (or `{"tool_calls":[…]}`'s) function calls, run at once, each
    /// as a tool call of its own; the answer holds one `tool` message per call, in order, its
    /// content the result's text (a failed call's says `Error: …`, so the model learns it).
    /// `strict`: the calls come from a strict model, whose `null` means "left out".
    private func toolCalls(_ request: HTTPRequest, strict: Bool, on loop: any EventLoop) -> EventLoopFuture<HTTPReply> {
        guard let body = try? JSONView.parse(request.body, maxDepth: maxJSONDepth), let calls = body["tool_calls"], calls.isArray, calls.elements.count <= Self.maxToolCalls else {
            return loop.makeSucceededFuture(RESTProblem.reply(
                status: .badRequest, title: "Bad request", detail: "the body is an assistant message with tool_calls (or {\"tool_calls\": […]}), at most \(Self.maxToolCalls) of them"
            ))
        }
        let answers = calls.elements.map { call -> EventLoopFuture<(id: String, content: String)> in
            let id = call["id"]?.string ?? ""
            guard call["type"]?.string ?? "function" == "function", let function = call["function"], let name = function["name"]?.string else {
                return loop.makeSucceededFuture((id, "Error: only function tool calls are run"))
            }
            let text = function["arguments"]?.string ?? "{}"
            guard let arguments = try? JSONView.parse(ByteBuffer(string: text.isEmpty ? "{}" : text), maxDepth: maxJSONDepth), arguments.isObject else {
                return loop.makeSucceededFuture((id, "Error: the arguments are not a JSON object"))
            }
            let sent = strict ? OpenAIStrictSchema.dropNulls(arguments) : arguments.bytes
            return callTool(name, arguments: String(buffer: sent), request, on: loop).map { answer in
                switch answer {
                case .result(let result): (id, Self.text(of: result))
                case .error(_, let message, _, _): (id, "Error: " + message)
                }
            }
        }
        return EventLoopFuture.whenAllSucceed(answers, on: loop).map { messages in
            var w = JSONWriter()
            w.beginObject()
            w.key("messages")
            w.beginArray()
            for (id, content) in messages {
                w.beginObject()
                w.field("role", "tool")
                w.field("tool_call_id", id)
                w.field("content", content)
                w.endObject()
            }
            w.endArray()
            w.endObject()
            return HTTPReply(.ok, body: w.buffer)
        }
    }

    /// What a model reads of a tool result: its text blocks, else its structured content as
    /// JSON; `Error: ` first when the tool said it failed.
    static func text(of result: JSONView) -> String {
        if result["resultType"]?.string == "input_required" { return "Error: the tool asks the caller a question, which this endpoint cannot answer" }
        let texts = (result["content"]?.elements ?? []).compactMap { $0["type"]?.string == "text" ? $0["text"]?.string : nil }
        let body = texts.isEmpty ? result["structuredContent"].map { String(buffer: $0.bytes) } ?? "" : texts.joined(separator: "\n")
        return result["isError"]?.bool == true ? "Error: " + body : body
    }

    typealias Answer = InternalCall.Answer

    /// `method` with `params` as a 2026-07-28 request of the caller, through the gateway.
    private func run(_ method: String, params: String, _ request: HTTPRequest, on loop: any EventLoop) -> EventLoopFuture<Answer> {
        InternalCall(gateway: gateway, maxJSONDepth: maxJSONDepth, clientName: "switchboard-rest")
            .run(method, params: params, caller: request.caller, virtualServer: request.virtualServer, on: loop).answer
    }
}

import SwitchboardPolicy
import SwitchboardCore

/// The spans of one answered request, named and attributed per the OpenTelemetry MCP
/// conventions: the SERVER span from the whole message read to the answer sent, and, when it
/// went upstream, the CLIENT span from the send to the server's answer, its child (the span
/// the upstream request's `traceparent` names).
extension RequestTracer {
    /// Error codes that are the caller's mistake, not the gateway's: not errors on a SERVER
    /// span (semantic-conventions-genai `model/mcp/common.yaml`).
    static let callerErrors: Set<String> = ["-32700", "-32600", "-32601", "-32602", "-32002"]

    func spans(of exchange: MCPExchange, trace: ExchangeTrace, server: String?, errorType: String) -> [FinishedSpan] {
        let timings = exchange.timings
        let method = exchange.method
        let params = exchange.message.params
        var target: String?
        var attributes: [(String, FinishedSpan.Value)] = [("mcp.method.name", .string(method))]
        switch method {
        case MCPMethod.toolsCall:
            target = params?["name"]?.string
            if let target { attributes.append(("gen_ai.tool.name", .string(target))) }
            attributes.append(("gen_ai.operation.name", .string("execute_tool")))
        case MCPMethod.promptsGet:
            target = params?["name"]?.string
            if let target { attributes.append(("gen_ai.prompt.name", .string(target))) }
        default:
            break
        }
        let name = target.map { method + " " + $0 } ?? method
        if let id = exchange.message.id { attributes.append(("jsonrpc.request.id", .string(Self.idText(id.json)))) }
        attributes.append(("mcp.protocol.version", .string(exchange.session.revision)))
        if !exchange.session.isModern { attributes.append(("mcp.session.id", .string(exchange.session.id))) }
        if let server { attributes.append(("switchboard.server", .string(server))) }
        if config.includePrincipal { attributes.append(("enduser.id", .string(exchange.caller.principal.id))) }
        var serverError: String?
        if !errorType.isEmpty {
            attributes.append(("error.type", .string(errorType)))
            if Int(errorType) != nil { attributes.append(("rpc.response.status_code", .string(errorType))) }
            if !Self.callerErrors.contains(errorType) { serverError = errorType }
        }
        let answered = timings.answered != 0 ? timings.answered : ExchangeTimings.now()
        var spans = [FinishedSpan(
            traceHigh: trace.traceHigh, traceLow: trace.traceLow, spanID: trace.serverSpan, parentSpanID: trace.parent, kind: .server, name: name,
            start: timings.received &+ epochOffset, end: answered &+ epochOffset, attributes: attributes, error: serverError, link: trace.link,
            traceState: trace.traceState
        )]
        if timings.upstreamSent != 0, let server {
            var upstream: [(String, FinishedSpan.Value)] = [("mcp.method.name", .string(method)), ("switchboard.server", .string(server))]
            if let target, method == MCPMethod.toolsCall { upstream.append(("gen_ai.tool.name", .string(target))) }
            let answeredUpstream = timings.upstreamAnswered != 0 ? timings.upstreamAnswered : answered
            let failed = timings.upstreamAnswered != 0 && !errorType.isEmpty
            if failed { upstream.append(("error.type", .string(errorType))) }
            spans.append(FinishedSpan(
                traceHigh: trace.traceHigh, traceLow: trace.traceLow, spanID: trace.clientSpan, parentSpanID: trace.serverSpan, kind: .client,
                name: name, start: timings.upstreamSent &+ epochOffset, end: answeredUpstream &+ epochOffset, attributes: upstream,
                error: failed ? errorType : nil, link: nil, traceState: trace.traceState
            ))
        }
        return spans
    }

    /// A JSON-RPC id as span attributes carry it: a string's content, a number's digits.
    static func idText(_ json: String) -> String {
        json.hasPrefix("\"") && json.hasSuffix("\"") && json.count >= 2 ? String(json.dropFirst().dropLast()) : json
    }
}

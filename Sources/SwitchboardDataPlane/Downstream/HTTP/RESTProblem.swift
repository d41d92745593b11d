import NIOCore
import NIOHTTP1
import SwitchboardCore

/// The REST front door's errors: `application/problem+json` (RFC 9457) with the HTTP status
/// the JSON-RPC error stands for, the JSON-RPC code and message (`code`, `detail`), and
/// `Retry-After` for a quota refusal.
enum RESTProblem {
    static func reply(_ answer: RESTEndpoint.Answer) -> HTTPReply {
        guard case .error(let code, let message, let httpStatus, let retryAfter) = answer else {
            return reply(status: .internalServerError, title: "Internal error", detail: "no error to report")
        }
        let status = httpStatus >= 400 ? HTTPResponseStatus(statusCode: httpStatus) : Self.status(code: code, message: message)
        var reply = reply(status: status, title: status.reasonPhrase, detail: message, code: code)
        if let retryAfter { reply.headers.append(("Retry-After", String(retryAfter))) }
        return reply
    }

    static func reply(status: HTTPResponseStatus, title: String, detail: String, code: Int? = nil) -> HTTPReply {
        var w = JSONWriter()
        w.beginObject()
        w.field("type", "about:blank")
        w.field("title", title)
        w.field("status", Int(status.code))
        w.field("detail", detail)
        if let code { w.field("code", code) }
        w.endObject()
        return HTTPReply(status, contentType: "application/problem+json", body: w.buffer)
    }

    /// What a JSON-RPC error is in HTTP: the caller's mistakes 4xx, the servers' 5xx.
    static func status(code: Int, message: String) -> HTTPResponseStatus {
        switch code {
        case JSONRPCErrorCode.invalidParams where message.hasPrefix("Unknown tool"), JSONRPCErrorCode.methodNotFound, JSONRPCErrorCode.resourceNotFound:
            .notFound
        case JSONRPCErrorCode.parseError, JSONRPCErrorCode.invalidRequest, JSONRPCErrorCode.invalidParams:
            .badRequest
        case JSONRPCErrorCode.unauthorized:
            .unauthorized
        case JSONRPCErrorCode.policyDenied, JSONRPCErrorCode.forbidden, JSONRPCErrorCode.toolQuarantined, JSONRPCErrorCode.guardBlocked,
            JSONRPCErrorCode.approvalRequired:
            .forbidden
        case JSONRPCErrorCode.quotaExceeded:
            .tooManyRequests
        case JSONRPCErrorCode.upstreamTimeout, JSONRPCErrorCode.clientTimeout:
            .gatewayTimeout
        case JSONRPCErrorCode.overloaded, JSONRPCErrorCode.requestCancelled:
            .serviceUnavailable
        case JSONRPCErrorCode.internalError:
            .internalServerError
        default:
            // A server's own error, or the gateway's about a server.
            .badGateway
        }
    }
}

/// The catalogue in OpenAI's function-calling `tools` format: each MCP tool as
/// `{"type":"function","function":{"name","description","parameters"}}`, its input schema as
/// the parameters (an empty object schema when it has none). With `strict`, each schema that
/// can be is made strict (`OpenAIStrictSchema`, `"strict": true`), and `not_strict` lists the
/// others with why; they keep their own schema.
enum OpenAITools {
    static func encode(_ items: [ByteBuffer], strict: Bool = false) -> ByteBuffer {
        var notStrict: [(name: String, reason: String)] = []
        var w = JSONWriter()
        w.beginObject()
        w.key("tools")
        w.beginArray()
        for item in items {
            guard let tool = try? JSONView.parse(item), let name = tool["name"]?.string else { continue }
            w.beginObject()
            w.field("type", "function")
            w.key("function")
            w.beginObject()
            w.field("name", name)
            if let description = tool["description"]?.string { w.field("description", description) }
            let own = tool["inputSchema"].map { String(buffer: $0.bytes) } ?? #"{"type":"object","properties":{}}"#
            if strict {
                switch OpenAIStrictSchema.convert(tool["inputSchema"]) {
                case .success(let schema):
                    w.field("parameters", raw: schema)
                    w.field("strict", true)
                case .failure(let problem):
                    w.field("parameters", raw: own)
                    notStrict.append((name, problem.reason))
                }
            } else {
                w.field("parameters", raw: own)
            }
            w.endObject()
            w.endObject()
        }
        w.endArray()
        if strict {
            w.key("not_strict")
            w.beginArray()
            for (name, reason) in notStrict {
                w.beginObject()
                w.field("name", name)
                w.field("reason", reason)
                w.endObject()
            }
            w.endArray()
        }
        w.endObject()
        return w.buffer
    }
}

/// A JSON-RPC error object. This is the one place where demo-server failures get their codes.
struct JSONRPCError: Error, Sendable, Hashable {
    var code: Int
    var message: String
    var data: JSONValue?

    static func parseError(_ message: String = "Parse error: the message is not valid JSON") -> JSONRPCError {
        JSONRPCError(code: -32700, message: message)
    }

    static func invalidRequest(_ message: String) -> JSONRPCError {
        JSONRPCError(code: -32600, message: message)
    }

    static func methodNotFound(_ method: String) -> JSONRPCError {
        JSONRPCError(code: -32601, message: "Method not found: \(method)")
    }

    static func invalidParams(_ message: String, data: JSONValue? = nil) -> JSONRPCError {
        JSONRPCError(code: -32602, message: message, data: data)
    }

    static func internalError(_ message: String) -> JSONRPCError {
        JSONRPCError(code: -32603, message: message)
    }

    /// Legacy revisions (2024-11-05 … 2025-11-25) use -32002 for an unknown resource URI.
    static func resourceNotFound(_ uri: String) -> JSONRPCError {
        JSONRPCError(code: -32002, message: "Resource not found", data: ["uri": .string(uri)])
    }

    var json: JSONValue {
        var object: [String: JSONValue] = ["code": .integer(Int64(code)), "message": .string(message)]
        if let data { object["data"] = data }
        return .object(object)
    }
}

/// One incoming JSON-RPC message, classified.
enum JSONRPCMessage: Sendable, Hashable {
    case request(JSONRPCRequest)
    case notification(method: String, params: [String: JSONValue])
    /// A response from the client. The demo server never sends requests, so these are dropped.
    case response(id: RequestID?)
}

struct JSONRPCRequest: Sendable, Hashable {
    var id: RequestID
    var method: String
    var params: [String: JSONValue]

    /// `params._meta.progressToken`, a string or an integer.
    var progressToken: JSONValue? {
        guard let token = params["_meta"]?["progressToken"], RequestID(token) != nil else { return nil }
        return token
    }
}

/// A message that could not be accepted, with the id to answer when one could be read.
struct JSONRPCRejection: Error, Sendable, Hashable {
    var id: RequestID?
    var error: JSONRPCError
}

extension JSONRPCMessage {
    /// Parses and classifies one message: -32700 for bytes that are not JSON, -32600 for JSON that
    /// is not a single JSON-RPC 2.0 message.
    static func decode(_ bytes: some Sequence<UInt8>) -> Result<JSONRPCMessage, JSONRPCRejection> {
        guard let value = JSONValue(parsing: bytes) else {
            return .failure(JSONRPCRejection(id: nil, error: .parseError()))
        }
        return classify(value)
    }

    static func classify(_ value: JSONValue) -> Result<JSONRPCMessage, JSONRPCRejection> {
        guard let object = value.objectValue else {
            let message =
                value.arrayValue != nil
                ? "Invalid request: JSON-RPC batches are not supported" : "Invalid request: expected a JSON object"
            return .failure(JSONRPCRejection(id: nil, error: .invalidRequest(message)))
        }
        let rawID = object["id"]
        let id = rawID.flatMap(RequestID.init)
        guard object["jsonrpc"] == "2.0" else {
            return .failure(JSONRPCRejection(id: id, error: .invalidRequest("Invalid request: jsonrpc must be \"2.0\"")))
        }
        if rawID != nil, id == nil {
            return .failure(
                JSONRPCRejection(id: nil, error: .invalidRequest("Invalid request: id must be a string or an integer"))
            )
        }
        guard let methodValue = object["method"] else {
            if object["result"] != nil || object["error"] != nil { return .success(.response(id: id)) }
            return .failure(JSONRPCRejection(id: id, error: .invalidRequest("Invalid request: method is missing")))
        }
        guard let method = methodValue.stringValue else {
            return .failure(JSONRPCRejection(id: id, error: .invalidRequest("Invalid request: method must be a string")))
        }
        let params: [String: JSONValue]
        switch object["params"] {
        case nil, .null?: params = [:]
        case .object(let members)?: params = members
        case .some:
            return .failure(JSONRPCRejection(id: id, error: .invalidParams("Invalid params: params must be an object")))
        }
        if let id { return .success(.request(JSONRPCRequest(id: id, method: method, params: params))) }
        return .success(.notification(method: method, params: params))
    }
}

enum JSONRPCEnvelope {
    static func result(id: RequestID, _ result: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "id": id.json, "result": result]
    }

    /// An error response. Without a readable id the member is left out, which the 2025-11-25 schema allows.
    static func error(id: RequestID?, _ error: JSONRPCError) -> JSONValue {
        var object: [String: JSONValue] = ["jsonrpc": "2.0", "error": error.json]
        if let id { object["id"] = id.json }
        return .object(object)
    }

    static func notification(_ method: String, _ params: [String: JSONValue]) -> JSONValue {
        ["jsonrpc": "2.0", "method": .string(method), "params": .object(params)]
    }
}

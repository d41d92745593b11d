public import NIOCore

/// One JSON-RPC 2.0 message read from the wire: its envelope fields located, everything else
/// left as the original bytes.
public struct JSONRPCMessage: Sendable {
    public enum Kind: Sendable, Equatable {
        case request, notification, response, errorResponse
    }

    public let kind: Kind
    public let root: JSONView
    public let id: JSONRPCID?
    public let method: String?
    public let params: JSONView?
    public let result: JSONView?
    public let error: JSONView?

    /// The whole message as received.
    public var bytes: ByteBuffer { root.bytes }

    /// Classifies an already validated JSON value. Throws `.invalidRequest` with a reason when
    /// it is JSON but not a JSON-RPC 2.0 message.
    public init(_ root: JSONView) throws(JSONRPCMessageError) {
        guard root.isObject else { throw .invalidRequest("a JSON-RPC message must be an object") }
        var version: JSONView?
        var idView: JSONView?
        var method: JSONView?
        var params: JSONView?
        var result: JSONView?
        var error: JSONView?
        root.forEachMember { key, value in
            if key.equals("jsonrpc") { version = value }
            else if key.equals("id") { idView = value }
            else if key.equals("method") { method = value }
            else if key.equals("params") { params = value }
            else if key.equals("result") { result = value }
            else if key.equals("error") { error = value }
            return true
        }
        guard version?.string == "2.0" else { throw .invalidRequest("\"jsonrpc\" must be \"2.0\"") }
        var id: JSONRPCID?
        if let idView {
            switch idView.kind {
            case .string, .number: id = JSONRPCID(json: idView.rawText)
            case .null where method == nil: id = nil  // an error answering an unreadable request
            default: throw .invalidRequest("\"id\" must be a string or a number")
            }
        }
        self.root = root
        self.id = id
        self.params = params
        self.result = result
        self.error = error
        if let method {
            guard let name = method.string else { throw .invalidRequest("\"method\" must be a string") }
            guard result == nil, error == nil else { throw .invalidRequest("a request must not carry \"result\" or \"error\"") }
            if let params, !params.isObject { throw .invalidRequest("\"params\" must be an object") }
            self.method = name
            self.kind = idView == nil ? .notification : .request
        } else {
            self.method = nil
            guard idView != nil else { throw .invalidRequest("a message needs \"method\" or \"id\"") }
            if let result {
                guard error == nil else { throw .invalidRequest("a response must not carry both \"result\" and \"error\"") }
                _ = result
                self.kind = .response
            } else if let error {
                guard error.isObject, error["code"]?.int != nil else { throw .invalidRequest("\"error\" needs an integer \"code\"") }
                self.kind = .errorResponse
            } else {
                throw .invalidRequest("a response needs \"result\" or \"error\"")
            }
        }
    }

    /// Parses and classifies `buffer`.
    public static func parse(_ buffer: ByteBuffer, maxDepth: Int = 64) throws(JSONRPCMessageError) -> JSONRPCMessage {
        let root: JSONView
        do {
            root = try JSONView.parse(buffer, maxDepth: maxDepth)
        } catch {
            throw .parseError(error.description)
        }
        return try JSONRPCMessage(root)
    }

    /// `params._meta.progressToken`, if present.
    public var progressToken: JSONView? { params?["_meta"]?["progressToken"] }

    /// `params.name` (tools/call, prompts/get).
    public var paramsName: String? { params?["name"]?.string }
}

/// Why bytes are not a usable JSON-RPC message.
public enum JSONRPCMessageError: Error, Sendable, Equatable {
    /// Not JSON at all (-32700).
    case parseError(String)
    /// JSON, but not a JSON-RPC 2.0 message (-32600).
    case invalidRequest(String)

    public var code: Int {
        switch self {
        case .parseError: JSONRPCErrorCode.parseError
        case .invalidRequest: JSONRPCErrorCode.invalidRequest
        }
    }

    public var message: String {
        switch self {
        case .parseError(let why): "Parse error: \(why)"
        case .invalidRequest(let why): "Invalid request: \(why)"
        }
    }
}

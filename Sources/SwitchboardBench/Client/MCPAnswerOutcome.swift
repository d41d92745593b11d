import SwitchboardCore

/// How one MCP POST ended, as far as a benchmark cares.
enum MCPAnswerOutcome: Sendable {
    /// The JSON-RPC response with the request's id; the value is its `result`.
    case response(JSONView)
    /// The JSON-RPC error response with the request's id, as text.
    case errorResponse(String)
    /// Anything else that kept the request from being answered: an HTTP status ≥ 400, a body
    /// without the response, a closed connection, a timeout.
    case failure(String)
    /// A notification's POST that the server accepted (2xx without a body).
    case accepted

    var isSuccess: Bool {
        switch self {
        case .response, .accepted: true
        case .errorResponse, .failure: false
        }
    }

    /// The failure as one line of text; nil for a success.
    var errorText: String? {
        switch self {
        case .response, .accepted: nil
        case .errorResponse(let text), .failure(let text): text
        }
    }
}

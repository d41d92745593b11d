import SwitchboardPolicy

/// Who sent one HTTP request and through which endpoint: what every session lookup and
/// session creation on that request is checked against.
struct RequestAccess {
    let caller: Principal
    /// The virtual server of `/mcp/{name}`; nil for `/mcp`.
    let virtualServer: String?
    /// The verified JWT of a token caller, kept for servers set up for passthrough.
    var bearerToken: String? = nil

    /// The caller as every message of this request is judged and forwarded.
    var requestCaller: RequestCaller { RequestCaller(principal: caller, bearerToken: bearerToken) }
}

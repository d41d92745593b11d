package import SwitchboardPolicy

/// Who sent one request, as that very request proved it. A legacy session outlives its
/// requests, and its owner may present refreshed tokens (other roles, another token for a
/// passthrough server) on requests that run at the same time: each request is judged by
/// policy and quotas, has its lists filtered and its upstream token chosen by its own caller,
/// never by whichever request touched the session last.
package struct RequestCaller: Sendable {
    package let principal: Principal
    /// The verified JWT a token caller presented; nil for other callers.
    package let bearerToken: String?

    package init(principal: Principal, bearerToken: String? = nil) {
        self.principal = principal
        self.bearerToken = bearerToken
    }
}

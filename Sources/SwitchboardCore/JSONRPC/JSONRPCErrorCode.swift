/// JSON-RPC and MCP error codes (spec digest §6).
public enum JSONRPCErrorCode {
    public static let parseError = -32700
    public static let invalidRequest = -32600
    public static let methodNotFound = -32601
    public static let invalidParams = -32602
    public static let internalError = -32603
    /// Legacy "resource not found" (2024-11-05 … 2025-11-25).
    public static let resourceNotFound = -32002
    /// 2025-11-25 URL elicitation required.
    public static let urlElicitationRequired = -32042
    /// 2026-07-28: HTTP headers disagree with the body, or one is missing (HTTP 400).
    public static let headerMismatch = -32020
    /// 2026-07-28: the request needs a client capability it did not declare (HTTP 400).
    public static let missingRequiredClientCapability = -32021
    /// 2026-07-28: the requested protocol version is not served (HTTP 400).
    public static let unsupportedProtocolVersion = -32022

    /// Gateway-local failures sit outside the JSON-RPC reserved range so a client can never
    /// confuse them with an error the server itself sent (digest §6).
    public static let upstreamUnavailable = -31001
    public static let upstreamTimeout = -31002
    public static let upstreamProtocolError = -31003
    public static let requestCancelled = -31004
    public static let overloaded = -31005
    /// The client did not answer a server's request relayed to it in time.
    public static let clientTimeout = -31006
    /// A policy rule (or the default) denied the call; `data` names the rule and policy version.
    public static let policyDenied = -31010
    /// A rate limit, concurrency limit or budget refused the call; `data.retryAfterMs` says when
    /// to try again.
    public static let quotaExceeded = -31011
    /// A policy rule requires a human to approve the call first.
    public static let approvalRequired = -31012
    /// The body of a 401: no credentials, or credentials the gateway does not accept.
    public static let unauthorized = -31013
    /// The body of a 403 from authentication: an insufficient token scope, or an endpoint the
    /// caller may not use.
    public static let forbidden = -31014
    /// The tool is quarantined by the guards (new and not approved, changed since approval,
    /// rejected, or flagged); `data` names its state and pins.
    public static let toolQuarantined = -31015
    /// The guards withheld the call's result, or refused its arguments (a secret, personal
    /// data or instructions to the model, as configured in `guards.results`); `data` names the
    /// direction, the kind and the rules, never the matched text.
    public static let guardBlocked = -31016
}

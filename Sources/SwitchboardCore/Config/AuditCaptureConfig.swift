/// One `audit.capture` entry: the calls of these tools keep their arguments (and, if asked,
/// their results) in the trail, with secrets redacted. Off by default: records hold digests.
public struct AuditCaptureConfig: Sendable, Equatable {
    /// `tools`: globs of federated names (`crm__create_*`), as policy rules write them.
    public var tools: [String]
    /// `arguments`: keep the call's `arguments`.
    public var arguments: Bool
    /// `result`: keep the answer's `result` (or `error`).
    public var result: Bool
    /// `redact`: words a key is redacted for (case-insensitive, anywhere in the key), added to
    /// `defaultRedactions`.
    public var redact: [String]
    /// `max_bytes`: a payload longer than this (after redaction) is cut, and kept as text.
    public var maxBytes: Int

    /// Keys holding these are redacted whatever the config says.
    public static let defaultRedactions = [
        "password", "passwd", "secret", "token", "api_key", "apikey", "authorization", "cookie", "credential", "private_key",
    ]

    public init(tools: [String], arguments: Bool = true, result: Bool = false, redact: [String] = [], maxBytes: Int = 4096) {
        self.tools = tools
        self.arguments = arguments
        self.result = result
        self.redact = redact
        self.maxBytes = maxBytes
    }
}

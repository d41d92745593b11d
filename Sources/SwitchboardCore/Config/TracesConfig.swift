/// `traces`: spans of every request sent over OTLP/HTTP. Off unless an endpoint is set here or
/// in `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `OTEL_EXPORTER_OTLP_ENDPOINT`.
public struct TracesConfig: Sendable, Equatable {
    /// What a request's own `traceparent` (in `params._meta`) is taken as.
    public enum Inbound: String, Sendable, Equatable, CaseIterable {
        /// The parent of the gateway's span, its sampling decision followed (the conventions' default).
        case parent
        /// A link from a new trace the gateway starts (clients that send junk or foreign ids).
        case link
        /// Nothing.
        case ignore
    }

    /// Where spans go: the OTLP/HTTP base URL (`/v1/traces` added unless the path names it).
    public var endpoint: WebURL?
    public var headers: [HTTPHeaderField] = []
    /// The share of new traces recorded (0…1); a request with a parent follows its parent's flag.
    public var sampleRatio: Double = 1
    public var inbound: Inbound = .parent
    /// Put the caller's principal id on spans (`enduser.id`); off because traces are often less
    /// guarded than the audit trail.
    public var includePrincipal = false
    public var serviceName = "switchboard"
    public var timeout: Duration = .seconds(10)

    public init(endpoint: WebURL? = nil) {
        self.endpoint = endpoint
    }

    public var enabled: Bool { endpoint != nil }
}

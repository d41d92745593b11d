/// One entry of `audit.sinks`: somewhere the trail is copied to, read from the journal with a
/// cursor of its own (so an outage there never slows a call).
public struct AuditSinkConfig: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case file(File)
        case syslog(Syslog)
        case webhook(Webhook)
        case otlp(OTLP)

        public var typeName: String {
            switch self {
            case .file: "file"
            case .syslog: "syslog"
            case .webhook: "webhook"
            case .otlp: "otlp"
            }
        }
    }

    /// JSONL files: `path` is written until it passes `maxBytes` (or is older than
    /// `rotateEvery`), then renamed `path.1` (the older ones shifted up); at most `maxFiles`
    /// rotated files are kept, none older than `maxAge`.
    public struct File: Sendable, Equatable {
        public var path: String
        public var maxBytes: Int = 100 << 20
        public var rotateEvery: Duration?
        public var maxFiles: Int = 10
        public var maxAge: Duration?

        public init(path: String) {
            self.path = path
        }
    }

    /// RFC 5424 messages over UDP (one datagram each, RFC 5426) or TCP (octet-counted,
    /// RFC 6587), each the record's JSON or a CEF line.
    public struct Syslog: Sendable, Equatable {
        public enum Transport: String, Sendable, Equatable, CaseIterable {
            case udp, tcp
        }
        public enum Format: String, Sendable, Equatable, CaseIterable {
            case json, cef
        }
        public var transport: Transport
        public var host: String
        public var port: Int
        public var format: Format = .json
        /// The facility's number (RFC 5424 §6.2.1): `local0` is 16, the default.
        public var facility = 16
        public var appName = "switchboard"

        public init(transport: Transport, host: String, port: Int) {
            self.transport = transport
            self.host = host
            self.port = port
        }
    }

    /// Batches POSTed as `application/x-ndjson`, signed with HMAC-SHA256 when a secret is set
    /// (`X-Switchboard-Signature: sha256=<hex>`).
    public struct Webhook: Sendable, Equatable {
        public var url: WebURL
        public var headers: [HTTPHeaderField] = []
        /// A file holding the signing secret.
        public var secretFile: String?
        public var batch = 500
        public var timeout: Duration = .seconds(10)

        public init(url: WebURL) {
            self.url = url
        }
    }

    /// OTLP/HTTP logs (JSON encoding) to `endpoint` (`…/v1/logs` added unless the path names it).
    public struct OTLP: Sendable, Equatable {
        public var endpoint: WebURL
        public var headers: [HTTPHeaderField] = []
        public var timeout: Duration = .seconds(10)

        public init(endpoint: WebURL) {
            self.endpoint = endpoint
        }
    }

    /// Unique among the sinks: the `sink` label of its metrics and its cursor's file name.
    public var name: String
    public var kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }
}

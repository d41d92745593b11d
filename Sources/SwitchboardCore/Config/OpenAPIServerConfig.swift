/// `servers.NAME.openapi`: a REST API described by an OpenAPI 3.0 or 3.1 document, served as an
/// MCP server whose tools are the document's operations. The document is read and compiled
/// when the config is loaded (`OpenAPICompiler`); what is kept here is the result, so a call
/// needs no parsing of the document, only of its own arguments.
public struct OpenAPIServerConfig: Sendable, Equatable {
    /// The document's path as written, resolved against the config file's folder.
    public var document: String
    /// Where requests go: `base_url`, or the document's first absolute `servers` URL. Its path
    /// is put before every operation's path.
    public var baseURL: HTTPEndpoint
    /// The compiled operations, findings included: `operations` selected them, and the values
    /// of `security` (the gateway's own credentials, never the caller's) are in their plans.
    public var service: OpenAPIService

    public init(document: String, baseURL: HTTPEndpoint, service: OpenAPIService) {
        self.document = document
        self.baseURL = baseURL
        self.service = service
    }
}

/// Which operations become tools: those matching `include` (all when it is empty), less those
/// matching `exclude`. An operation matches a filter when its tag, its path (a `*` matches any
/// run of characters) or its operation id is listed.
public struct OpenAPISelection: Sendable, Equatable {
    public struct Filter: Sendable, Equatable {
        public var tags: [String]
        public var paths: [String]
        public var operations: [String]

        public init(tags: [String] = [], paths: [String] = [], operations: [String] = []) {
            self.tags = tags
            self.paths = paths
            self.operations = operations
        }

        public var isEmpty: Bool { tags.isEmpty && paths.isEmpty && operations.isEmpty }

        public func matches(tags operationTags: [String], path: String, operationID: String?) -> Bool {
            if operationTags.contains(where: tags.contains) { return true }
            if let operationID, operations.contains(operationID) { return true }
            return paths.contains { Self.glob($0, matches: path) }
        }

        /// `*` matches any run of characters (slashes included); everything else literally.
        static func glob(_ pattern: String, matches text: String) -> Bool {
            let pattern = Array(pattern.utf8), text = Array(text.utf8)
            var (p, t) = (0, 0)
            var star: (p: Int, t: Int)?
            while t < text.count {
                if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                    star = (p, t)
                    p += 1
                } else if p < pattern.count, pattern[p] == text[t] {
                    p += 1
                    t += 1
                } else if let last = star {
                    // Let the last `*` take one more character and try again from there.
                    (p, t) = (last.p + 1, last.t + 1)
                    star = (last.p, last.t + 1)
                } else {
                    return false
                }
            }
            while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
            return p == pattern.count
        }
    }

    public var include: Filter
    public var exclude: Filter

    public init(include: Filter = .init(), exclude: Filter = .init()) {
        self.include = include
        self.exclude = exclude
    }

    public func selects(tags: [String], path: String, operationID: String?) -> Bool {
        if !include.isEmpty, !include.matches(tags: tags, path: path, operationID: operationID) { return false }
        return !exclude.matches(tags: tags, path: path, operationID: operationID)
    }
}

/// A configured value for one security scheme. Printing shows the kind only.
public enum OpenAPISecret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// An API key, or a bearer token.
    case value(String)
    /// HTTP basic.
    case basic(username: String, password: String)

    public var description: String {
        switch self {
        case .value: "<redacted value>"
        case .basic: "<redacted username and password>"
        }
    }

    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension GatewayConfig {
    /// The OpenAPI servers' findings, each as `SERVER: METHOD /path: message`, for `check` and
    /// the log at start.
    public var openAPIFindings: [String] {
        servers.flatMap { server -> [String] in
            guard server.enabled, case .openAPI(let api) = server.transport else { return [] }
            return api.service.findings.map { "\(server.name): \($0)" }
        }
    }
}

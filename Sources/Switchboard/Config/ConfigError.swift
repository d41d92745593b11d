/// A configuration problem, located precisely enough for an operator to fix it without
/// reading code: `switchboard.yaml:7: servers.crm.url: expected an http:// URL, got "ftp://x"`.
///
/// Messages never contain a value that came from `${ENV}` substitution, nor header values or
/// store URLs, because those are where secrets live; they name the variable or key instead.
public struct ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem this is, for callers that react differently (e.g. `check` exit codes).
    /// A struct rather than an enum so that new kinds do not break exhaustive switches.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The file is missing, unreadable or not UTF-8.
        public static let unreadableFile = Code(rawValue: "unreadable_file")
        /// The text is not valid YAML.
        public static let syntax = Code(rawValue: "syntax")
        /// A key the format does not define.
        public static let unknownKey = Code(rawValue: "unknown_key")
        /// The same key twice in one mapping.
        public static let duplicateKey = Code(rawValue: "duplicate_key")
        /// A required key is absent.
        public static let missingKey = Code(rawValue: "missing_key")
        /// A value of the wrong type, syntax or range.
        public static let invalidValue = Code(rawValue: "invalid_value")
        /// `${NAME}` without a default, and `NAME` is not set; or a malformed `${…}`.
        public static let undefinedVariable = Code(rawValue: "undefined_variable")
        /// Valid in the format but not built in this version (OpenAPI servers, TLS upstreams).
        public static let unsupported = Code(rawValue: "unsupported")
    }

    public var code: Code
    /// The config file as the caller named it (or another source, such as `--listen`).
    public var file: String
    /// 1-based line in `file`, when the problem has a place.
    public var line: Int?
    /// Dotted key path, e.g. `servers.crm.timeouts.request`; nil for whole-file problems.
    public var keyPath: String?
    public var message: String

    public init(code: Code, file: String, line: Int? = nil, keyPath: String? = nil, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let keyPath, !keyPath.isEmpty { text += ": \(keyPath)" }
        return text + ": " + message
    }
}

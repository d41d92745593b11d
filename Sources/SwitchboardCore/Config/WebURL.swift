/// An `http://` or `https://` URL split into what a client dials and what it asks for.
public struct WebURL: Sendable, Equatable, CustomStringConvertible {
    /// `http` or `https`, lower case.
    public var scheme: String
    /// Without IPv6 brackets.
    public var host: String
    public var port: Int
    /// Starts with `/`; includes the query, if any.
    public var pathAndQuery: String

    public init(scheme: String, host: String, port: Int, pathAndQuery: String) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.pathAndQuery = pathAndQuery
    }

    public var isSecure: Bool { scheme == "https" }

    /// The `Host` header value: the port only when it is not the scheme's default.
    public var authority: String {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        let defaultPort = isSecure ? 443 : 80
        return port == defaultPort ? bracketed : "\(bracketed):\(port)"
    }

    public var description: String { scheme + "://" + authority + pathAndQuery }

    /// Without the query, which may carry an access key: what logs may show.
    public var redacted: String {
        let path = pathAndQuery.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "/"
        return scheme + "://" + authority + path
    }
}

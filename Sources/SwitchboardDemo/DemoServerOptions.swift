/// How to run the demo MCP server. The defaults suit the quick start.
public struct DemoServerOptions: Sendable, Hashable {
    /// `serverInfo.name`, and the authority of the resource URIs (`demo://NAME/readme`), so that two
    /// demo servers behind one gateway expose distinct URIs. 1–64 characters from `[A-Za-z0-9._-]`.
    public var name: String
    /// Reported as `serverInfo.version`.
    public var version: String
    /// HTTP transport: the address to bind. The server only accepts loopback `Origin`s, so keep it local.
    public var host: String
    /// HTTP transport: the port to bind; `0` picks a free one (printed on stderr).
    public var port: Int
    /// The largest message accepted: an HTTP body (413 above it) or a stdio line.
    public var maxMessageBytes: Int
    /// HTTP transport: how often an idle `GET /mcp` stream sends a `:` keep-alive comment.
    public var keepAliveInterval: Duration

    public init(
        name: String = "switchboard-demo",
        version: String = "0.1.0",
        host: String = "127.0.0.1",
        port: Int = 8081,
        maxMessageBytes: Int = 4 * 1024 * 1024,
        keepAliveInterval: Duration = .seconds(15)
    ) {
        self.name = name
        self.version = version
        self.host = host
        self.port = port
        self.maxMessageBytes = maxMessageBytes
        self.keepAliveInterval = keepAliveInterval
    }

    /// Checks every option, naming the first one that is wrong.
    public func validate() throws(DemoServerError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard (1...64).contains(name.count), name.allSatisfy(allowed.contains) else {
            throw DemoServerError(
                .invalidOption,
                "--name must be 1-64 characters from A-Z, a-z, 0-9, '.', '_' and '-' (got \"\(name)\")"
            )
        }
        guard (0...65535).contains(port) else {
            throw DemoServerError(.invalidOption, "--port must be between 0 and 65535 (got \(port))")
        }
        guard !host.isEmpty else {
            throw DemoServerError(.invalidOption, "--host must not be empty")
        }
        guard maxMessageBytes >= 1024 else {
            throw DemoServerError(.invalidOption, "maxMessageBytes must be at least 1024 (got \(maxMessageBytes))")
        }
        guard keepAliveInterval > .zero else {
            throw DemoServerError(.invalidOption, "keepAliveInterval must be positive")
        }
    }
}

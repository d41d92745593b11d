public import NIOHTTP1

/// A request as a `TestHTTPServer` received it.
public struct TestHTTPRequest: Sendable {
    /// `GET`, `POST`, `DELETE`…
    public var method: String
    public var uri: String
    public var headers: HTTPHeaders
    public var body: String
    /// Which accepted connection carried it, counting from 1.
    public var connection: Int

    public init(method: String, uri: String, headers: HTTPHeaders, body: String, connection: Int) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.body = body
        self.connection = connection
    }

    /// The path, without the query.
    public var path: Substring { uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "" }

    /// The first value of a header (names are case-insensitive).
    public func header(_ name: String) -> String? { headers.first(name: name) }

    /// Every value of a header, in order.
    public func headerValues(_ name: String) -> [String] { headers[name] }
}

/// The `http://host[:port][/path]` endpoint the client side talks to. Plain HTTP/1.1 only: the
/// benchmarks run on loopback, and TLS would measure the cipher, not the gateway.
struct BenchURL: Sendable, Equatable {
    var host: String
    var port: Int
    var path: String

    /// The `Host` header value.
    var authority: String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? shown : "\(shown):\(port)"
    }

    init(host: String, port: Int, path: String) {
        self.host = host
        self.port = port
        self.path = path
    }

    init(parsing text: String) throws(BenchError) {
        let scheme = "http://"
        guard text.lowercased().hasPrefix(scheme) else {
            throw BenchError("--url must start with http:// (got \(text))")
        }
        let rest = text.dropFirst(scheme.count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        path = slash == rest.endIndex ? "/" : String(rest[slash...])
        guard !path.contains(where: { $0 == " " || $0 == "\r" || $0 == "\n" }) else {
            throw BenchError("--url path must not contain spaces or line breaks")
        }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            port = after.isEmpty ? 80 : try Self.port(after.dropFirst(), in: text)
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            port = try Self.port(authority[authority.index(after: colon)...], in: text)
        } else {
            host = String(authority)
            port = 80
        }
        guard !host.isEmpty else { throw BenchError("--url has no host: \(text)") }
    }

    private static func port(_ text: Substring, in url: String) throws(BenchError) -> Int {
        guard let port = Int(text), (1...65535).contains(port) else { throw BenchError("--url has a bad port: \(url)") }
        return port
    }
}

/// `security.allowed_origins` entries: `scheme://host[:port]`, exactly as browsers send the
/// `Origin` header. A trailing slash or path would never match, so it is an error rather than
/// a rule that silently allows nothing.
enum OriginSyntax {
    static let example = "https://app.example.com"

    /// Scheme and host are lower-cased, because browsers send them that way and comparison
    /// should not depend on how the operator capitalised them.
    static func parse(_ text: String) throws(ValueProblem) -> String {
        guard let schemeEnd = text.firstRange(of: "://") else {
            throw ValueProblem("expected an origin such as \(example)")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw ValueProblem("expected an http:// or https:// origin such as \(example)")
        }
        let authority = text[schemeEnd.upperBound...]
        if authority.contains(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            throw ValueProblem("an origin is scheme, host and port only, with no path or trailing slash")
        }
        let (host, port) = try HostPortSyntax.split(
            authority, example: example, ipv6Example: "http://[::1]:3000", minimumPort: 1
        )
        let bracketedHost = host.contains(":") ? "[\(host.lowercased())]" : host.lowercased()
        return scheme + "://" + bracketedHost + (port.map { ":\($0)" } ?? "")
    }
}

import SwitchboardCore

/// A URL from the config cut into what the gateway uses of it, with the checks every URL it
/// accepts must pass: no spaces, no credentials (they end up in logs and process listings;
/// the value is then not quoted back, since it holds them), no fragment.
struct URLParts {
    /// Lower-cased.
    var scheme: String
    var host: String
    var port: Int?
    /// Starting with `/`.
    var path: String

    /// `expected` is the message for text that is no URL of an allowed scheme; `fragment` says
    /// why a fragment is refused where the URL is used; `examples` show a host and an IPv6 host.
    init(
        _ text: String, schemes: Set<String>, expected: String, credentials: String, fragment: String, examples: (host: String, ipv6: String)
    ) throws(ValueProblem) {
        guard let schemeEnd = text.firstRange(of: "://") else { throw ValueProblem(expected) }
        scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard schemes.contains(scheme) else { throw ValueProblem(expected) }
        guard !text.contains(where: { $0.isWhitespace }) else {
            throw ValueProblem("a URL cannot contain spaces; percent-encode them")
        }
        let afterScheme = text[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        let pathAndQuery = afterScheme[authorityEnd...]
        if authority.contains("@") { throw ValueProblem(credentials, quotesValue: false) }
        if pathAndQuery.contains("#") { throw ValueProblem(fragment) }
        (host, port) = try HostPortSyntax.split(authority, example: examples.host, ipv6Example: examples.ipv6, minimumPort: 1)
        path = pathAndQuery.first == "/" ? String(pathAndQuery) : "/" + pathAndQuery
    }
}

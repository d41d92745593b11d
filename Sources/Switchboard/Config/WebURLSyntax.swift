import SwitchboardCore

/// URLs the gateway fetches or names but never proxies to: `auth.jwt.jwks_url`, issuers,
/// `auth.resource`. Unlike upstream URLs (`HTTPURLSyntax`) these may be `https://`, because
/// identity providers serve nothing else.
enum WebURLSyntax {
    static let example = "https://idp.example.com/.well-known/jwks.json"

    static func parse(_ text: String) throws(ValueProblem) -> WebURL {
        guard let schemeEnd = text.firstRange(of: "://") else {
            throw ValueProblem("expected an https:// or http:// URL such as \(example)")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw ValueProblem("expected an https:// or http:// URL such as \(example)")
        }
        guard !text.contains(where: { $0.isWhitespace }) else {
            throw ValueProblem("a URL cannot contain spaces; percent-encode them")
        }
        let afterScheme = text[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        let pathAndQuery = afterScheme[authorityEnd...]
        // The value is not quoted back because it holds the credential.
        if authority.contains("@") {
            throw ValueProblem("credentials in the URL are not supported", quotesValue: false)
        }
        if pathAndQuery.contains("#") {
            throw ValueProblem("a URL fragment (#…) is not allowed here; remove it")
        }
        let (host, port) = try HostPortSyntax.split(
            authority, example: example, ipv6Example: "https://[::1]:8443/jwks.json", minimumPort: 1
        )
        let path = pathAndQuery.first == "/" ? String(pathAndQuery) : "/" + pathAndQuery
        return WebURL(scheme: scheme, host: host, port: port ?? (scheme == "https" ? 443 : 80), pathAndQuery: path)
    }

    /// For URLs the gateway fetches secrets or keys from (`jwks_url`, `token_url`): https, or
    /// http to this machine only. Anyone on the path of a plain-http JWKS can mint tokens the
    /// gateway accepts; a plain-http token endpoint hands out the client secret.
    static func parseFetched(_ text: String) throws(ValueProblem) -> WebURL {
        let url = try parse(text)
        let host = url.host.lowercased()
        let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
        guard url.scheme == "https" || loopback else {
            throw ValueProblem("must be https:// (http:// only to 127.0.0.1, ::1 or localhost): keys and secrets fetched in the clear can be forged or read")
        }
        return url
    }
}

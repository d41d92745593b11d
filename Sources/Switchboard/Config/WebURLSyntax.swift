import SwitchboardCore

/// URLs the gateway fetches or names but never proxies to: `auth.jwt.jwks_url`, issuers,
/// `auth.resource`. Unlike upstream URLs (`HTTPURLSyntax`) these may be `https://`, because
/// identity providers serve nothing else.
enum WebURLSyntax {
    static let example = "https://idp.example.com/.well-known/jwks.json"

    static func parse(_ text: String) throws(ValueProblem) -> WebURL {
        let url = try URLParts(
            text, schemes: ["http", "https"], expected: "expected an https:// or http:// URL such as \(example)",
            credentials: "credentials in the URL are not supported", fragment: "a URL fragment (#…) is not allowed here; remove it",
            examples: (example, "https://[::1]:8443/jwks.json")
        )
        return WebURL(scheme: url.scheme, host: url.host, port: url.port ?? (url.scheme == "https" ? 443 : 80), pathAndQuery: url.path)
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

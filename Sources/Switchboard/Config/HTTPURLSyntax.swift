import SwitchboardCore

/// Upstream URLs (`url`, `sse`): `http://HOST[:PORT][/PATH][?QUERY]`. Parsed by hand rather
/// than with Foundation's URL so that what is accepted is exactly what the data plane's NIO
/// client can dial, and so that no part of the URL is normalised behind the operator's back.
enum HTTPURLSyntax {
    static func parse(_ text: String) throws(ValueProblem) -> HTTPEndpoint {
        guard let schemeEnd = text.firstRange(of: "://") else {
            throw ValueProblem("expected an http:// URL")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        if scheme == "https" {
            throw ValueProblem(
                "https:// needs TLS to upstream servers, which is not available yet in this version; "
                    + "use http:// (for example to a local TLS-terminating proxy)",
                code: .unsupported,
                quotesValue: false
            )
        }
        guard scheme == "http" else { throw ValueProblem("expected an http:// URL") }
        guard !text.contains(where: { $0.isWhitespace }) else {
            throw ValueProblem("a URL cannot contain spaces; percent-encode them")
        }

        let afterScheme = text[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        let pathAndQuery = afterScheme[authorityEnd...]

        // Credentials in a URL end up in logs and process listings; they belong in `headers`.
        // The value is not quoted back because it holds the credential.
        if authority.contains("@") {
            throw ValueProblem(
                "credentials in the URL are not supported; send them with headers (e.g. Authorization)",
                quotesValue: false
            )
        }
        if pathAndQuery.contains("#") {
            throw ValueProblem("a URL fragment (#…) is never sent to the server; remove it")
        }
        let (host, port) = try HostPortSyntax.split(
            authority, example: "http://127.0.0.1:9001/mcp", ipv6Example: "http://[::1]:9001/mcp", minimumPort: 1
        )
        let path = pathAndQuery.first == "/" ? String(pathAndQuery) : "/" + pathAndQuery
        return HTTPEndpoint(scheme: "http", host: host, port: port ?? 80, pathAndQuery: path)
    }
}

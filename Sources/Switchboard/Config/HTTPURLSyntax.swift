import SwitchboardCore

/// Upstream URLs (`url`, `sse`): `http[s]://HOST[:PORT][/PATH][?QUERY]`. Parsed by hand rather
/// than with Foundation's URL so that what is accepted is exactly what the data plane's NIO
/// client can dial, and so that no part of the URL is normalised behind the operator's back.
enum HTTPURLSyntax {
    static func parse(_ text: String) throws(ValueProblem) -> HTTPEndpoint {
        let url = try URLParts(
            text, schemes: ["http", "https"], expected: "expected an http:// or https:// URL",
            credentials: "credentials in the URL are not supported; send them with headers (e.g. Authorization) or credentials",
            fragment: "a URL fragment (#…) is never sent to the server; remove it",
            examples: ("https://mcp.example.com/mcp", "http://[::1]:9001/mcp")
        )
        return HTTPEndpoint(scheme: url.scheme, host: url.host, port: url.port ?? (url.scheme == "https" ? 443 : 80), pathAndQuery: url.path)
    }

    /// A forward proxy (`proxy`, `proxy.url`): `http://HOST[:PORT]`, nothing after the authority.
    static func parseProxy(_ text: String) throws(ValueProblem) -> ProxyAddress {
        if let schemeEnd = text.firstRange(of: "://"), text[..<schemeEnd.lowerBound].lowercased() == "https" {
            throw ValueProblem(
                "a proxy is reached over plain http:// (https servers are tunnelled through it with CONNECT); TLS to the proxy itself is not supported",
                code: .unsupported, quotesValue: false
            )
        }
        let url = try URLParts(
            text, schemes: ["http"], expected: "expected a proxy URL such as http://proxy.internal:3128 or none",
            credentials: "credentials in the proxy URL are not accepted in the config file; put user:password in proxy.credentials_file",
            fragment: "a proxy URL has no fragment",
            examples: ("http://proxy.internal:3128", "http://[fd00::1]:3128")
        )
        guard url.path == "/" else { throw ValueProblem("a proxy URL has no path; write only http://HOST:PORT") }
        return ProxyAddress(host: url.host, port: url.port ?? 80)
    }
}

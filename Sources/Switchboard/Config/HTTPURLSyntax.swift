import SwitchboardCore

/// Upstream URLs (`url`, `sse`): `http://HOST[:PORT][/PATH][?QUERY]`. Parsed by hand rather
/// than with Foundation's URL so that what is accepted is exactly what the data plane's NIO
/// client can dial, and so that no part of the URL is normalised behind the operator's back.
enum HTTPURLSyntax {
    static func parse(_ text: String) throws(ValueProblem) -> HTTPEndpoint {
        if let schemeEnd = text.firstRange(of: "://"), text[..<schemeEnd.lowerBound].lowercased() == "https" {
            throw ValueProblem(
                "https:// needs TLS to upstream servers, which is not available yet in this version; "
                    + "use http:// (for example to a local TLS-terminating proxy)",
                code: .unsupported,
                quotesValue: false
            )
        }
        let url = try URLParts(
            text, schemes: ["http"], expected: "expected an http:// URL",
            credentials: "credentials in the URL are not supported; send them with headers (e.g. Authorization)",
            fragment: "a URL fragment (#…) is never sent to the server; remove it",
            examples: ("http://127.0.0.1:9001/mcp", "http://[::1]:9001/mcp")
        )
        return HTTPEndpoint(scheme: "http", host: url.host, port: url.port ?? 80, pathAndQuery: url.path)
    }
}

import SwitchboardCore
import SwitchboardUpstream
import Testing

@Suite("HTTPEndpoint.resolvingSameOrigin")
struct HTTPEndpointReferenceTests {
    static let base = HTTPEndpoint(host: "127.0.0.1", port: 8931, pathAndQuery: "/mcp/sse?token=1")

    @Test(
        "references on the same origin resolve",
        arguments: [
            ("/messages?sessionId=abc", "/messages?sessionId=abc"),
            ("/messages/?session_id=0f1e", "/messages/?session_id=0f1e"),
            ("messages?sessionId=abc", "/mcp/messages?sessionId=abc"),
            ("../messages", "/messages"),
            ("./a/./b/../c", "/mcp/a/c"),
            ("?sessionId=x", "/mcp/sse?sessionId=x"),
            ("", "/mcp/sse?token=1"),
            ("/m#fragment", "/m"),
            ("  /padded \n", "/padded"),
            ("http://127.0.0.1:8931/messages?s=1", "/messages?s=1"),
            ("HTTP://127.0.0.1:8931/x", "/x"),
            ("//127.0.0.1:8931/y", "/y"),
            ("http://127.0.0.1:8931", "/"),
            ("http://127.0.0.1:8931?q", "/?q"),
        ]
    )
    func resolves(_ reference: String, _ expected: String) throws {
        let resolved = try Self.base.resolvingSameOrigin(reference)
        #expect(resolved.pathAndQuery == expected)
        #expect(resolved.host == Self.base.host)
        #expect(resolved.port == Self.base.port)
    }

    @Test(
        "other origins and unsafe targets are refused",
        arguments: [
            "http://169.254.169.254/latest/meta-data",
            "http://127.0.0.1:8932/messages",
            "http://127.0.0.1/messages",
            "https://127.0.0.1:8931/messages",
            "//evil.example:8931/messages",
            "http://user@127.0.0.1:8931/messages",
            "http://127.0.0.1:8931@evil.example/messages",
            "http://127.0.0.1:abc/messages",
            "file:///etc/passwd",
            "/messages\r\nX-Injected: 1",
            "/messages with space",
            "/ünïcode",
        ]
    )
    func refuses(_ reference: String) {
        #expect(throws: UpstreamTransportError.self) { try Self.base.resolvingSameOrigin(reference) }
    }

    @Test("host names compare case-insensitively; IPv6 keeps its brackets")
    func hostForms() throws {
        let named = HTTPEndpoint(host: "mcp.example", port: 80, pathAndQuery: "/sse")
        #expect(try named.resolvingSameOrigin("http://MCP.example/messages").pathAndQuery == "/messages")
        #expect(try named.resolvingSameOrigin("http://mcp.example:80/m").pathAndQuery == "/m")
        let v6 = HTTPEndpoint(host: "::1", port: 9000, pathAndQuery: "/sse")
        #expect(try v6.resolvingSameOrigin("http://[::1]:9000/messages").pathAndQuery == "/messages")
        #expect(throws: UpstreamTransportError.self) { try v6.resolvingSameOrigin("http://[::2]:9000/messages") }
    }
}

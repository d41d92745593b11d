import NIOCore
import NIOHTTP1

/// The bench upstream's `--oauth` mode: `/mcp` wants a bearer token it issued, and the same
/// origin is the authorization server, which publishes RFC 9728 and RFC 8414 metadata,
/// registers any client and consents at once (`/authorize` redirects straight back with a
/// code). A stand-in with no security at all, so that the gateway's OAuth path can be
/// measured (scenario 10) without a person at a browser; never a model of a real server.
struct BenchOAuth: Sendable {
    static let tokenPrefix = "Bearer bench-token-"

    /// Whether a request to `/mcp` carries a token this upstream issued.
    static func authorized(_ headers: HTTPHeaders) -> Bool {
        headers.first(name: "Authorization")?.hasPrefix(tokenPrefix) == true
    }

    /// The 401 that sends a client to the metadata.
    static func challenge(_ head: HTTPRequestHead, connection: BenchHTTPResponse.Connection, allocator: ByteBufferAllocator) -> ByteBuffer {
        let origin = origin(head)
        return BenchHTTPResponse.dynamic(
            "401 Unauthorized", headers: [("WWW-Authenticate", #"Bearer resource_metadata="\#(origin)/.well-known/oauth-protected-resource/mcp""#)],
            json: nil, connection: connection, allocator: allocator
        )
    }

    /// The answer for an OAuth path, or nil for any other path.
    static func answer(_ head: HTTPRequestHead, path: Substring, connection: BenchHTTPResponse.Connection, allocator: ByteBufferAllocator) -> ByteBuffer? {
        let origin = origin(head)
        func json(_ status: String, _ text: String) -> ByteBuffer {
            BenchHTTPResponse.dynamic(status, headers: [], json: ByteBuffer(string: text), connection: connection, allocator: allocator)
        }
        switch (head.method, path) {
        case (.GET, "/.well-known/oauth-protected-resource/mcp"), (.GET, "/.well-known/oauth-protected-resource"):
            return json("200 OK", #"{"resource":"\#(origin)/mcp","authorization_servers":["\#(origin)"],"scopes_supported":["mcp"]}"#)
        case (.GET, "/.well-known/oauth-authorization-server"):
            return json("200 OK", """
                {"issuer":"\(origin)","authorization_endpoint":"\(origin)/authorize","token_endpoint":"\(origin)/token",\
                "registration_endpoint":"\(origin)/register","code_challenge_methods_supported":["S256"],"response_types_supported":["code"]}
                """)
        case (.POST, "/register"):
            return json("201 Created", #"{"client_id":"bench-client","token_endpoint_auth_method":"none","redirect_uris":[]}"#)
        case (.GET, "/authorize"):
            let query = head.uri.split(separator: "?", maxSplits: 1).dropFirst().first ?? ""
            var redirect = "", state = ""
            for pair in query.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                if parts[0] == "redirect_uri" { redirect = String(parts[1]).removingPercentEncodingASCII }
                if parts[0] == "state" { state = String(parts[1]) }
            }
            return BenchHTTPResponse.dynamic(
                "302 Found", headers: [("Location", redirect + "?code=bench-code&state=" + state)], json: nil, connection: connection, allocator: allocator
            )
        case (.POST, "/token"):
            let token = "bench-token-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            return json("200 OK", #"{"access_token":"\#(token)","token_type":"Bearer","expires_in":3600,"refresh_token":"bench-refresh","scope":"mcp"}"#)
        default:
            return nil
        }
    }

    private static func origin(_ head: HTTPRequestHead) -> String {
        "https://" + (head.headers.first(name: "Host") ?? "127.0.0.1")
    }
}

extension String {
    /// `%XX` decoded, for the few ASCII URLs the stand-in reads.
    fileprivate var removingPercentEncodingASCII: String {
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

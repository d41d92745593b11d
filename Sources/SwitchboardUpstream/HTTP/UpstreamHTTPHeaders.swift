import NIOHTTP1
import SwitchboardCore

/// Header names and helpers shared by the HTTP upstream transports.
enum UpstreamHTTPHeaders {
    static let sessionID = "Mcp-Session-Id"
    static let protocolVersion = "MCP-Protocol-Version"
    static let lastEventID = "Last-Event-ID"
    /// 2026-07-28 request headers (spec digest §1.4).
    static let method = "Mcp-Method"
    static let name = "Mcp-Name"
    static let acceptBoth = "application/json, text/event-stream"
    static let eventStream = "text/event-stream"
    static let json = "application/json"

    /// Headers the transports or the connection own. A configured header of the same name
    /// would break framing or the MCP exchange, so it is left out.
    private static let reserved: Set<String> = [
        "host", "content-length", "transfer-encoding", "connection", "keep-alive", "te", "upgrade",
        "content-type", "accept", "accept-encoding", "mcp-session-id", "mcp-protocol-version", "last-event-id",
        "mcp-method", "mcp-name",
    ]

    /// The configured extra headers (`servers.NAME.headers`) in order, minus reserved names and
    /// values that could not be sent (line breaks). Values are never logged.
    static func extra(_ fields: [HTTPHeaderField]) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for field in fields where !reserved.contains(field.name.lowercased()) {
            guard !field.name.isEmpty, !field.value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" || $0 == "\0" }) else { continue }
            headers.add(name: field.name, value: field.value)
        }
        return headers
    }

    /// The media type of a `Content-Type` value, lowercased, without parameters. Read for
    /// every upstream response: the usual exact spellings are answered without allocating.
    static func mediaType(_ headers: HTTPHeaders) -> String {
        guard let value = headers.first(name: "content-type") else { return "" }
        if value == json || value == eventStream { return value }
        let type = value.split(separator: ";", maxSplits: 1).first ?? ""
        return type.trimmingCharacters(in: " \t").lowercased()
    }

    /// A session id as the spec allows it: visible ASCII only.
    static func validSessionID(_ value: String?) -> String? {
        guard let value, !value.isEmpty, value.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else { return nil }
        return value
    }

    /// The first bytes of an error body, for messages and logs.
    static let errorBodyPrefix = 2048
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var result = self
        while let first = result.first, set.contains(first) { result = result.dropFirst() }
        while let last = result.last, set.contains(last) { result = result.dropLast() }
        return result
    }
}

import Logging
import NIOCore
import NIOHTTP1

/// Serves the HTTP/1.1 requests of one connection, one at a time, on the `/mcp` endpoint (and
/// the small REST API under `/api`, `DemoRESTAPI`).
struct HTTPConnection: Sendable {
    let core: DemoServerCore
    let sessions: HTTPSessionRegistry
    let logger: Logger
    let rest = DemoRESTAPI()

    private enum Incoming {
        case request(HTTPRequestHead, ByteBuffer)
        case tooLarge(HTTPRequestHead)
    }

    func serve(_ channel: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        do {
            try await channel.executeThenClose { inbound, outbound in
                var parts = inbound.makeAsyncIterator()
                while let incoming = try await readRequest(&parts) {
                    switch incoming {
                    case .tooLarge:
                        // The rest of the body is still on the wire: answer and close instead of reading it.
                        let limit = core.options.maxMessageBytes
                        let error = JSONRPCError.invalidRequest("Invalid request: body exceeds \(limit) bytes")
                        try await outbound.write(contentsOf: HTTPResponses.refusal(.payloadTooLarge, error, keepAlive: false))
                        return
                    case .request(let head, let body):
                        try await route(head, body, outbound)
                        if !head.isKeepAlive { return }
                    }
                }
            }
        } catch {
            logger.debug("demo http connection ended", metadata: ["switchboard.error": "\(error)"])
        }
    }

    private func readRequest(
        _ parts: inout NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator
    ) async throws -> Incoming? {
        guard case .head(let head)? = try await parts.next() else { return nil }
        let limit = core.options.maxMessageBytes
        if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > limit {
            return .tooLarge(head)
        }
        var body = ByteBuffer()
        while let part = try await parts.next() {
            switch part {
            case .body(var chunk):
                guard body.readableBytes + chunk.readableBytes <= limit else { return .tooLarge(head) }
                body.writeBuffer(&chunk)
            case .end:
                return .request(head, body)
            case .head:
                return nil
            }
        }
        return nil
    }

    private func route(_ head: HTTPRequestHead, _ body: ByteBuffer, _ outbound: HTTPOutbound) async throws {
        let keepAlive = head.isKeepAlive
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard path == "/mcp" || DemoRESTAPI.handles(path) else {
            let error = JSONRPCError.invalidRequest("Not found: the MCP endpoint is /mcp")
            return try await outbound.write(contentsOf: HTTPResponses.refusal(.notFound, error, keepAlive: keepAlive))
        }
        guard HTTPRequestChecks.isAllowedOrigin(head.headers) else {
            let error = JSONRPCError.invalidRequest("Forbidden: Origin is not a loopback origin")
            return try await outbound.write(contentsOf: HTTPResponses.refusal(.forbidden, error, keepAlive: keepAlive))
        }
        if path != "/mcp" {
            let answer = rest.answer(head.method, uri: head.uri, body: Array(body.readableBytesView))
            return try await outbound.write(contentsOf: HTTPResponses.json(answer.status, answer.body, keepAlive: keepAlive))
        }
        switch head.method {
        case .POST:
            try await post(head, body, outbound)
        case .GET:
            try await get(head, outbound)
        case .DELETE:
            try await delete(head, outbound)
        default:
            let error = JSONRPCError.invalidRequest("Method not allowed: use POST, GET or DELETE")
            try await outbound.write(
                contentsOf: HTTPResponses.refusal(
                    .methodNotAllowed, error, keepAlive: keepAlive, headers: [("Allow", "GET, POST, DELETE")]
                )
            )
        }
    }
}

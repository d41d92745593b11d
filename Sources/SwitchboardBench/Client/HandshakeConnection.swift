import NIOCore
import NIOHTTP1
import SwitchboardCore

/// One open handshake connection: POSTs a JSON-RPC message and reads the whole answer.
struct HandshakeConnection {
    /// What came back for one POST.
    struct Answer {
        var status: Int
        var sessionID: String?
        var outcome: MCPAnswerOutcome
    }

    let url: BenchURL
    let headers: [HeaderArgument]
    var inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    /// False once the server said it closes the connection after an answer (or it closed).
    private(set) var isReusable = true

    init(
        url: BenchURL,
        headers: [HeaderArgument],
        inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    ) {
        self.url = url
        self.headers = headers
        self.inbound = inbound
        self.outbound = outbound
    }

    /// POSTs `body` within `session` (nil for initialize) and reads the answer; `expectedID`
    /// is the request's id, nil for a notification.
    mutating func post(_ body: ByteBuffer, session: MCPSession?, expectedID: Int?) async throws -> Answer {
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: url.path)
        head.headers.add(name: "Host", value: url.authority)
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Accept", value: "application/json, text/event-stream")
        head.headers.add(name: "Content-Length", value: String(body.readableBytes))
        if let session {
            if let id = session.id { head.headers.add(name: "Mcp-Session-Id", value: id) }
            head.headers.add(name: "MCP-Protocol-Version", value: session.protocolVersion)
        }
        for header in headers { head.headers.add(name: header.name, value: header.value) }
        do {
            try await outbound.write(contentsOf: [.head(head), .body(.byteBuffer(body)), .end(nil)])
        } catch {
            isReusable = false
            throw BenchError("cannot send to \(url.authority): \(error)")
        }

        var reader: MCPAnswerReader?
        var sessionID: String?
        while let part = try await inbound.next() {
            switch part {
            case .head(let response):
                guard response.status.code >= 200 else { continue }  // 100 Continue and the like
                reader = MCPAnswerReader(head: response, expectedID: expectedID)
                sessionID = response.headers.first(name: "mcp-session-id")
                if !response.isKeepAlive { isReusable = false }
            case .body(let bytes):
                _ = reader?.feed(bytes)
            case .end:
                guard var reader else { continue }
                return Answer(status: reader.status, sessionID: sessionID, outcome: reader.finish())
            }
        }
        isReusable = false
        throw BenchError("connection to \(url.authority) closed (or timed out) before the answer")
    }
}

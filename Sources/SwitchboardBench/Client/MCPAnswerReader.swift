import NIOCore
import NIOHTTP1
import SwitchboardCore

/// Reads the HTTP answer to one MCP POST, JSON or an event stream, and finds the JSON-RPC
/// response carrying the request's id. Notifications and server requests on the stream are
/// skipped; an error body is kept only as a short prefix for the message.
struct MCPAnswerReader {
    static let maxMessageBytes = 16 * 1024 * 1024
    static let errorPrefixBytes = 200

    private enum Body {
        case json(ByteBuffer?)
        case events(SSEParser)
        case errorText(ByteBuffer?)
        case unexpectedType(String)
        case none
    }

    let status: Int
    let expectedID: Int?
    /// The body is the result itself (the REST front door), not a JSON-RPC response.
    let plain: Bool
    private var body: Body
    /// Set once the answer is known; later bytes are not read.
    private(set) var outcome: MCPAnswerOutcome?

    init(head: HTTPResponseHead, expectedID: Int?, plain: Bool = false) {
        self.init(status: Int(head.status.code), contentType: head.headers.first(name: "content-type"), expectedID: expectedID, plain: plain)
    }

    init(status: Int, contentType: String?, expectedID: Int?, plain: Bool = false) {
        self.status = status
        self.expectedID = expectedID
        self.plain = plain
        if status >= 400 || status < 200 {
            body = .errorText(nil)
        } else if status == 202 || status == 204 {
            body = .none
        } else {
            // The exact spellings servers send are matched first: parsing allocates.
            let mediaType = switch contentType {
            case "application/json", "text/event-stream": contentType!
            case nil: ""
            case let value?: Self.mediaType(value)
            }
            switch mediaType {
            case "application/json": body = .json(nil)
            case "text/event-stream": body = .events(SSEParser(maxEventBytes: Self.maxMessageBytes))
            case "": body = .none
            default: body = .unexpectedType(mediaType)
            }
        }
    }

    /// Takes one body part; returns the outcome when this part completed it (an event stream
    /// answers before it ends).
    mutating func feed(_ part: ByteBuffer) -> MCPAnswerOutcome? {
        guard outcome == nil else { return nil }
        switch body {
        case .json(let collected):
            guard var collected else {
                body = .json(part)
                return nil
            }
            body = .none  // keeps `collected` uniquely referenced while it grows
            if collected.readableBytes + part.readableBytes > Self.maxMessageBytes {
                return decide(.failure("JSON answer larger than \(Self.maxMessageBytes) bytes"))
            }
            collected.writeImmutableBuffer(part)
            body = .json(collected)
        case .events(var parser):
            body = .none
            parser.feed(part)
            var found: MCPAnswerOutcome?
            do {
                try parser.drain { event in
                    if event.isMessage { found = Self.match(event.data, expectedID: expectedID) }
                    return found == nil
                }
            } catch {
                return decide(.failure("event larger than \(Self.maxMessageBytes) bytes"))
            }
            if let found { return decide(found) }
            body = .events(parser)
        case .errorText(let prefix):
            var text = prefix ?? ByteBuffer()
            let room = Self.errorPrefixBytes - text.readableBytes
            if room > 0, let slice = part.getSlice(at: part.readerIndex, length: min(room, part.readableBytes)) {
                text.writeImmutableBuffer(slice)
            }
            body = .errorText(text)
        case .unexpectedType, .none:
            break
        }
        return nil
    }

    /// The outcome once the body has ended.
    mutating func finish() -> MCPAnswerOutcome {
        if let outcome { return outcome }
        let what = expectedID.map { "the response to request \($0)" } ?? "an answer"
        let result: MCPAnswerOutcome
        switch body {
        case .json(let collected) where plain:
            result = collected.flatMap { try? JSONView.parse($0) }.map { .response($0) } ?? .failure("HTTP \(status) body that is not JSON")
        case .json(let collected):
            if let collected, let found = Self.match(collected, expectedID: expectedID) {
                result = found
            } else if expectedID == nil {
                result = .accepted
            } else {
                result = .failure("HTTP \(status) JSON body without \(what)")
            }
        case .events:
            result = expectedID == nil ? .accepted : .failure("event stream ended without \(what)")
        case .errorText(let prefix):
            let text = prefix.map { String(buffer: $0) } ?? ""
            result = .failure("HTTP \(status)" + (text.isEmpty ? "" : ": " + text.filter { $0 != "\n" && $0 != "\r" }))
        case .unexpectedType(let type):
            result = .failure("HTTP \(status) with unexpected Content-Type \(type)")
        case .none:
            result = expectedID == nil ? .accepted : .failure("HTTP \(status) without \(what)")
        }
        return decide(result)
    }

    private mutating func decide(_ result: MCPAnswerOutcome) -> MCPAnswerOutcome {
        outcome = result
        body = .none
        return result
    }

    /// The outcome `message` carries for request `expectedID`, or nil when it is something else
    /// (a notification, a server request, another id, not JSON).
    static func match(_ message: ByteBuffer, expectedID: Int?) -> MCPAnswerOutcome? {
        guard let expectedID, let root = try? JSONView.parse(message) else { return nil }
        var id: JSONView?
        var result: JSONView?
        var error: JSONView?
        var isRequest = false
        root.forEachMember { key, value in
            if key.equals("id") { id = value }
            else if key.equals("result") { result = value }
            else if key.equals("error") { error = value }
            else if key.equals("method") { isRequest = true }
            return true
        }
        guard !isRequest, let id, id.int == expectedID else { return nil }
        if let error {
            let code = error["code"]?.int.map(String.init) ?? "?"
            let text = error["message"]?.string ?? ""
            return .errorResponse("JSON-RPC error \(code): \(text)")
        }
        return result.map { .response($0) }
    }

    /// A Content-Type's media type, lowercased, without parameters.
    private static func mediaType(_ value: String) -> String {
        let type = value.split(separator: ";", maxSplits: 1).first ?? ""
        return type.filter { $0 != " " && $0 != "\t" }.lowercased()
    }
}

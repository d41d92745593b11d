import Synchronization

/// A Streamable HTTP session: the MCP session state plus the `GET` streams open on it.
final class HTTPSession: Sendable {
    private struct Streams {
        var closed = false
        var nextID = 0
        var open: [Int: AsyncStream<Void>.Continuation] = [:]
    }

    let id: String
    let mcp = DemoSession()
    private let streams = Mutex(Streams())

    init(id: String) {
        self.id = id
    }

    /// Registers a `GET` stream, whose continuation is finished when the session ends;
    /// `nil` if it already has.
    func openStream(_ continuation: AsyncStream<Void>.Continuation) -> Int? {
        streams.withLock { streams in
            guard !streams.closed else { return nil }
            streams.nextID += 1
            streams.open[streams.nextID] = continuation
            return streams.nextID
        }
    }

    func closeStream(_ streamID: Int) {
        _ = streams.withLock { $0.open.removeValue(forKey: streamID) }
    }

    /// Ends the session: its `GET` streams finish and its running requests are cancelled.
    func close() {
        let open = streams.withLock { streams in
            streams.closed = true
            defer { streams.open.removeAll() }
            return Array(streams.open.values)
        }
        open.forEach { $0.finish() }
        mcp.cancelAll()
    }
}

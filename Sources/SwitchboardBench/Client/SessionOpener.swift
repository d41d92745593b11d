import NIOCore
import SwitchboardCore
import Synchronization

/// Opens MCP sessions the way a client does: POST initialize, keep `Mcp-Session-Id` and the
/// negotiated revision, POST notifications/initialized. `concurrency` workers share the count,
/// each on one keep-alive connection that it closes when done; the first failure stops them all.
struct SessionOpener: Sendable {
    struct Opened: Sendable {
        var sessions: [MCPSession]
        var firstError: String?
    }

    let client: HandshakeClient
    let protocolVersion: String

    func open(count: Int, concurrency: Int) async -> Opened {
        let state = Progress()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, min(concurrency, count)) {
                group.addTask { await worker(count: count, state: state) }
            }
        }
        return state.lock.withLock { Opened(sessions: $0.sessions, firstError: $0.firstError) }
    }

    /// Opens one session on `connection`.
    func openOne(on connection: inout HandshakeConnection) async throws -> MCPSession {
        var params = JSONWriter()
        params.beginObject()
        params.field("protocolVersion", protocolVersion)
        params.field("capabilities", raw: "{}")
        params.field("clientInfo", raw: #"{"name":"switchboard-bench","version":"1.0.0"}"#)
        params.endObject()
        let request = JSONRPCEncoding.request(id: JSONRPCID(0), method: MCPMethod.initialize, params: params.buffer)
        let answer = try await connection.post(request, session: nil, expectedID: 0)
        guard case .response(let result) = answer.outcome else {
            throw BenchError("initialize failed: \(answer.outcome.errorText ?? "no result")")
        }
        let session = MCPSession(id: answer.sessionID, protocolVersion: result["protocolVersion"]?.string ?? protocolVersion)
        let initialized = JSONRPCEncoding.notification(method: MCPMethod.initialized, params: nil)
        let ack = try await connection.post(initialized, session: session, expectedID: nil)
        if let error = ack.outcome.errorText { throw BenchError("notifications/initialized failed: \(error)") }
        return session
    }

    /// Shared by the workers of one `open`.
    private final class Progress: Sendable {
        struct State {
            var claimed = 0
            var sessions: [MCPSession] = []
            var firstError: String?
        }

        let lock = Mutex(State())
    }

    private func worker(count: Int, state: Progress) async {
        // Claims one slot at a time; nil once all are claimed or something failed.
        let claim: @Sendable () -> Bool = {
            state.lock.withLock { state in
                guard state.firstError == nil, state.claimed < count else { return false }
                state.claimed += 1
                return true
            }
        }
        // Each pass uses one connection; a new one only when the server closed the last.
        while claim() {
            do {
                try await client.withConnection { connection in
                    var more = true
                    while more {
                        let session = try await openOne(on: &connection)
                        state.lock.withLock { $0.sessions.append(session) }
                        more = connection.isReusable && claim()
                    }
                }
            } catch {
                state.lock.withLock { if $0.firstError == nil { $0.firstError = "\(error)" } }
                return
            }
        }
    }
}

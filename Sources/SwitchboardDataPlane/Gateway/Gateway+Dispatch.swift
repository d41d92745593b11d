import SwitchboardUpstream
import Metrics
import Synchronization
package import NIOCore
import Logging
package import SwitchboardCore

extension Gateway {
    /// Handles one message from a client of `session`. Requests are answered through
    /// `responder`; notifications and responses need none. `caller` is who sent this message,
    /// as its own request proved it; nil takes the session's owner as it last authenticated
    /// (stdio, and 2026-07-28 requests, whose session lives for the one request).
    package func handle(
        _ message: JSONRPCMessage, session: DownstreamSession, caller: RequestCaller? = nil, responder: any DownstreamResponder, on loop: any EventLoop
    ) {
        session.touch()
        switch message.kind {
        case .request:
            handleRequest(message, session: session, caller: caller ?? session.requestCaller, responder: responder, on: loop)
        case .notification:
            handleNotification(message, session: session)
        case .response, .errorResponse:
            handleClientAnswer(message, session: session)
        }
    }

    private func handleRequest(_ message: JSONRPCMessage, session: DownstreamSession, caller: RequestCaller, responder: any DownstreamResponder, on loop: any EventLoop) {
        let method = message.method!
        MetricMethod.counter(for: method).increment()
        // What routing, virtual servers and policy read must be what the server runs: a key
        // given twice is read first here and last by most servers, so it is refused.
        if let params = message.params, params.isObject, let repeated = params.firstRepeatedKey {
            fail(message, .invalidParams("the key \"\(repeated)\" appears twice in one object"), session: session, responder: responder)
            return
        }
        if session.isModern {
            switch method {
            case MCPMethod.serverDiscover:
                discover(message, session: session, responder: responder, on: loop)
                return
            case MCPMethod.subscriptionsListen:
                listen(message, session: session, responder: responder, on: loop)
                return
            case MCPMethod.tasksGet, MCPMethod.tasksUpdate, MCPMethod.tasksCancel:
                routeTask(message, session: session, caller: caller, responder: responder, on: loop)
                return
            case MCPMethod.ping, MCPMethod.initialize, MCPMethod.loggingSetLevel, MCPMethod.resourcesSubscribe, MCPMethod.resourcesUnsubscribe:
                // Removed in 2026-07-28 (digest §0): unknown methods there.
                fail(message, .methodNotFound(method), session: session, responder: responder)
                return
            default:
                break
            }
        }
        switch method {
        case MCPMethod.ping:
            reply(message, result: ByteBuffer(string: "{}"), session: session, responder: responder)
        case MCPMethod.initialize:
            fail(message, .invalidParams("the session is already initialized"), session: session, responder: responder)
        case MCPMethod.toolsList, MCPMethod.promptsList, MCPMethod.resourcesList, MCPMethod.resourceTemplatesList:
            list(ListKind(method: method)!, message, session: session, caller: caller, responder: responder, on: loop)
        case MCPMethod.toolsCall:
            routeByName(message, kind: .tools, session: session, caller: caller, responder: responder, on: loop)
        case MCPMethod.promptsGet:
            routeByName(message, kind: .prompts, session: session, caller: caller, responder: responder, on: loop)
        case MCPMethod.resourcesRead, MCPMethod.resourcesSubscribe, MCPMethod.resourcesUnsubscribe:
            routeByURI(message, session: session, caller: caller, responder: responder, on: loop)
        case MCPMethod.completionComplete:
            routeCompletion(message, session: session, caller: caller, responder: responder, on: loop)
        case MCPMethod.loggingSetLevel:
            setLogLevel(message, session: session, responder: responder)
        default:
            fail(message, .methodNotFound(method), session: session, responder: responder)
        }
    }

    private func handleNotification(_ message: JSONRPCMessage, session: DownstreamSession) {
        switch message.method {
        case MCPMethod.initialized:
            session.markInitialized()
        case MCPMethod.cancelled:
            guard let requestID = message.params?["requestId"], requestID.kind == .string || requestID.kind == .number else { return }
            session.call(JSONRPCID(json: requestID.rawText))?.cancel(reason: message.params?["reason"]?.string)
        case MCPMethod.rootsListChanged:
            for server in servers { server.notify(method: MCPMethod.rootsListChanged, params: nil) }
        default:
            // Client progress for server-to-client requests and unknown notifications need no
            // action; notifications never get an answer.
            break
        }
    }

    /// A client's answer to a server-to-client request goes back to the server that asked,
    /// under the id that server used.
    private func handleClientAnswer(_ message: JSONRPCMessage, session: DownstreamSession) {
        guard let id = message.id, let forwarded = session.takeForwarded(id) else {
            logger.debug("client answered no pending request", metadata: ["switchboard.id": "\(message.id?.json ?? "null")"])
            return
        }
        switch forwarded.origin {
        case .server(let server, let upstreamID):
            server.respond(to: upstreamID, result: message.result?.bytes, error: message.error?.bytes)
        case .input(let gathering, let key):
            gathering.answer(key, result: message.result?.bytes, error: message.error)
        }
    }

    private func setLogLevel(_ message: JSONRPCMessage, session: DownstreamSession, responder: any DownstreamResponder) {
        guard let level = message.params?["level"]?.string, LogLevel.rank(level) != nil else {
            fail(message, .invalidParams("level must be one of \(LogLevel.names.joined(separator: ", "))"), session: session, responder: responder)
            return
        }
        session.logLevel = level
        // Servers get the lowest level any session wants; the gateway filters per session.
        let lowest = sessions.withLock { s in
            s.values.compactMap { $0.logLevel }.min { LogLevel.rank($0)! < LogLevel.rank($1)! }
        } ?? level
        for server in servers where server.initializeResult?["capabilities"]?["logging"] != nil {
            _ = server.request(method: MCPMethod.loggingSetLevel, observer: nil, on: eventLoop) { _ in
                ByteBuffer(string: #"{"level":"# + JSONWriter.quoted(lowest) + "}")
            }
        }
        reply(message, result: ByteBuffer(string: "{}"), session: session, responder: responder)
    }
}

/// Request counters by method, made once: known MCP methods, everything else "other", so
/// the label set stays bounded and counting takes no lock.
enum MetricMethod {
    private static let counters: [String: Counter] = Dictionary(uniqueKeysWithValues: [
        MCPMethod.initialize, MCPMethod.ping, MCPMethod.toolsList, MCPMethod.toolsCall, MCPMethod.promptsList,
        MCPMethod.promptsGet, MCPMethod.resourcesList, MCPMethod.resourceTemplatesList, MCPMethod.resourcesRead,
        MCPMethod.resourcesSubscribe, MCPMethod.resourcesUnsubscribe, MCPMethod.completionComplete, MCPMethod.loggingSetLevel,
    ].map { ($0, Counter(label: "switchboard_requests_total", dimensions: [("method", $0)])) })
    private static let other = Counter(label: "switchboard_requests_total", dimensions: [("method", "other")])

    static func counter(for method: String) -> Counter { counters[method] ?? other }
}

/// RFC 5424 levels as MCP uses them (`logging/setLevel`, `notifications/message`).
enum LogLevel {
    static let names = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]

    static func rank(_ level: String) -> Int? { names.firstIndex(of: level) }
}

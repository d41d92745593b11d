import NIOCore
import Metrics
import Logging
import SwitchboardCore
import SwitchboardPolicy
import SwitchboardUpstream

/// What the gateway does with each message a client sends: requests are answered by the
/// gateway (ping, lists, discover) or routed to the server that owns the tool, prompt, resource
/// or task (after policy and quotas for `tools/call`); notifications and a client's answers to
/// server-to-client requests go where they belong. Everything runs on the calling event loop
/// and nothing here awaits.
package final class CallRouter: Sendable {
    let servers: UpstreamServers
    let sessions: SessionRegistry
    let catalogue: Catalogue
    let listen: ListenHub
    let input: InputBridge
    let governance: Governance
    let admission: CallAdmission
    let credential: UpstreamCredential
    /// Callers' own sessions to `per_user` OAuth servers (nil when there are none).
    let personal: PersonalUpstreams?
    /// `limits.max_concurrent_requests`.
    let maxInFlightPerSession: Int
    /// The audit trail of calls (nil when `audit.enabled` is false).
    package let audit: CallAudit?
    /// Secrets, personal data and instructions in arguments and results (nil with guards off).
    let content: ContentGuard?
    /// The human approval queue (nil: `require_approval` refuses the call outright).
    let approvals: ApprovalDesk?
    /// Results waiting for a 2026-07-28 caller's user to release them (`injection: approve`).
    let heldResults = HeldByHandle<HeldResult>()
    let logger: Logger

    init(
        servers: UpstreamServers, sessions: SessionRegistry, catalogue: Catalogue, listen: ListenHub, input: InputBridge,
        governance: Governance, delegated: DelegatedCredentials?, personal: PersonalUpstreams?, audit: CallAudit?, content: ContentGuard?,
        approvals: ApprovalDesk?, limits: LimitsConfig, logger: Logger
    ) {
        self.content = content
        self.approvals = approvals
        self.personal = personal
        self.audit = audit
        self.servers = servers
        self.sessions = sessions
        self.catalogue = catalogue
        self.listen = listen
        self.input = input
        self.governance = governance
        self.admission = CallAdmission(governance: governance, annotations: catalogue.annotations, logger: logger)
        self.credential = UpstreamCredential(delegated: delegated)
        self.maxInFlightPerSession = limits.maxConcurrentRequestsPerSession
        self.logger = logger
    }

    /// Handles one message from a client. Requests are answered through the exchange;
    /// notifications and responses need no answer.
    package func handle(_ exchange: MCPExchange) {
        exchange.session.touch()
        switch exchange.message.kind {
        case .request:
            handleRequest(exchange)
        case .notification:
            handleNotification(exchange.message, session: exchange.session)
        case .response, .errorResponse:
            handleClientAnswer(exchange.message, session: exchange.session)
        }
    }

    private func handleRequest(_ exchange: MCPExchange) {
        let method = exchange.method
        RequestCounters.counter(for: method).increment()
        // What routing, virtual servers and policy read must be what the server runs: a key
        // given twice is read first here and last by most servers, so it is refused.
        if let params = exchange.message.params, params.isObject, let repeated = params.firstRepeatedKey {
            exchange.fail(.invalidParams("the key \"\(repeated)\" appears twice in one object"))
            return
        }
        if exchange.session.isModern {
            switch method {
            case MCPMethod.serverDiscover:
                discover(exchange)
                return
            case MCPMethod.subscriptionsListen:
                listen.open(exchange)
                return
            case MCPMethod.tasksGet, MCPMethod.tasksUpdate, MCPMethod.tasksCancel:
                routeTask(exchange)
                return
            case MCPMethod.ping, MCPMethod.initialize, MCPMethod.loggingSetLevel, MCPMethod.resourcesSubscribe, MCPMethod.resourcesUnsubscribe:
                // Removed in 2026-07-28 (digest §0): unknown methods there.
                exchange.fail(.methodNotFound(method))
                return
            default:
                break
            }
        }
        switch method {
        case MCPMethod.ping:
            exchange.reply(ByteBuffer(string: "{}"))
        case MCPMethod.initialize:
            exchange.fail(.invalidParams("the session is already initialized"))
        case MCPMethod.toolsList where toolListShape(exchange) != nil:
            listShapedTools(exchange, shape: toolListShape(exchange)!)
        case MCPMethod.toolsList, MCPMethod.promptsList, MCPMethod.resourcesList, MCPMethod.resourceTemplatesList:
            list(ListKind(method: method)!, exchange)
        case MCPMethod.toolsCall:
            if let shape = toolListShape(exchange), let search = shape.search {
                switch exchange.message.params?["name"]?.string {
                case Self.searchTool: return searchTools(exchange, shape: shape, search: search)
                case Self.callTool: return callThroughSearch(exchange)
                default: break
                }
            }
            routeByName(exchange, kind: .tools)
        case MCPMethod.promptsGet:
            routeByName(exchange, kind: .prompts)
        case MCPMethod.resourcesRead, MCPMethod.resourcesSubscribe, MCPMethod.resourcesUnsubscribe:
            routeByURI(exchange)
        case MCPMethod.completionComplete:
            routeCompletion(exchange)
        case MCPMethod.loggingSetLevel:
            setLogLevel(exchange)
        default:
            exchange.fail(.methodNotFound(method))
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
            for server in servers.all { server.notify(method: MCPMethod.rootsListChanged, params: nil) }
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

    /// Lists are merged from every server (`Catalogue`) and shown as this caller may see them.
    private func list(_ kind: ListKind, _ exchange: MCPExchange) {
        let cursor: String??
        if let view = exchange.message.params?["cursor"] {
            cursor = .some(view.string)
        } else {
            cursor = .none
        }
        guard cursor != .some(nil) else {
            exchange.fail(.invalidCursor)
            return
        }
        catalogue.page(kind, cursor: cursor ?? nil, on: exchange.loop).whenComplete { result in
            switch result {
            case .success(let page):
                let rules = self.governance.current
                let principal = exchange.caller.principal
                let virtualServer = exchange.session.virtualServer
                let shown =
                    rules.listsDependOnCaller
                    ? self.catalogue.callerViews.page(page, kind: kind, cursor: cursor ?? nil, principal: principal, virtualServer: virtualServer, rules: rules) {
                        CallerView.page(page, kind: kind, principal: principal, virtualServer: virtualServer, rules: rules, names: self.catalogue.shown(kind)?.book ?? NameBook())
                    }
                    : page
                // A list that depends on who asks must not sit in a shared cache (digest §7.2).
                let scope = rules.listsDependOnCaller || self.catalogue.isPrivate(kind) ? "private" : "public"
                exchange.reply(shown, cacheScope: scope, ttlMs: self.catalogue.freshFor(kind))
            case .failure(let error):
                exchange.fail(GatewayError(error))
            }
        }
    }

    /// `server/discover` (digest §2.3): waits briefly for servers still starting, as
    /// `initialize` does, so the capabilities told are the honest union.
    private func discover(_ exchange: MCPExchange) {
        servers.settled(within: .seconds(3), on: exchange.loop).whenComplete { _ in
            exchange.reply(self.catalogue.capabilities.discoverResult(revision: exchange.session.revision))
        }
    }

    private func setLogLevel(_ exchange: MCPExchange) {
        guard let level = exchange.message.params?["level"]?.string, LogLevel.rank(level) != nil else {
            exchange.fail(.invalidParams("level must be one of \(LogLevel.names.joined(separator: ", "))"))
            return
        }
        exchange.session.logLevel = level
        // Servers get the lowest level any session wants; the gateway filters per session.
        let lowest = sessions.all.compactMap { $0.logLevel }.min { LogLevel.rank($0)! < LogLevel.rank($1)! } ?? level
        for server in servers.all where server.initializeResult?["capabilities"]?["logging"] != nil {
            _ = server.request(method: MCPMethod.loggingSetLevel, observer: nil, on: exchange.loop) { _ in
                ByteBuffer(string: #"{"level":"# + JSONWriter.quoted(lowest) + "}")
            }
        }
        exchange.reply(ByteBuffer(string: "{}"))
    }
}

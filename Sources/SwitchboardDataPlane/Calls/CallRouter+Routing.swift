import Logging
import NIOCore
import SwitchboardCore
import SwitchboardGuards
import SwitchboardPolicy
import SwitchboardUpstream

/// Which server a request goes to: tools and prompts by their `{server}__` name, resources by
/// the index of owners learned from the lists, tasks by the name the gateway gave them.
extension CallRouter {
    /// tools/call and prompts/get: the name the client sees picks the server (`ShownNames`);
    /// the server sees its own name. Policy, quotas, virtual servers and approvals judge the
    /// canonical `{server}__{name}`, whatever the client was shown.
    /// `approved`: a human approved this call (`seekApproval`), which routes it again. A name
    /// the book knows is routed at once, with no closure or future made for it.
    func routeByName(_ exchange: MCPExchange, kind: ListKind, approved: Bool = false) {
        guard let params = exchange.message.params, let nameView = params["name"], let name = nameView.string else {
            exchange.fail(.invalidParams("params.name is required"))
            return
        }
        if let route = catalogue.knownRoute(kind, name) {
            routed(exchange, kind: kind, nameView: nameView, name: name, route: route, approved: approved)
        } else {
            catalogue.learnRoute(kind, name, on: exchange.loop) { route in
                self.routed(exchange, kind: kind, nameView: nameView, name: name, route: route, approved: approved)
            }
        }
    }

    private func routed(_ exchange: MCPExchange, kind: ListKind, nameView: JSONView, name: String, route: NameBook.Route?, approved: Bool) {
        guard let route, let server = servers.named(route.server) else {
            refuse(exchange, kind == .tools ? .unknownTool(name) : .unknownPrompt(name), server: nil)
            return
        }
        admit(
            exchange, kind: kind, shown: name, route: route, server: server, arguments: exchange.message.params?["arguments"],
            edits: [(nameView, JSONWriter.quoted(route.upstream))], approved: approved
        )
    }

    /// How a call held for a human is routed again once approved: as it came.
    private func again(_ exchange: MCPExchange, kind: ListKind, wrapped: Bool) -> @Sendable () -> Void {
        { wrapped ? self.callThroughSearch(exchange, approved: true) : self.routeByName(exchange, kind: kind, approved: true) }
    }

    /// Policy, quotas and the virtual server for a call of `route` that the client named
    /// `shown`, with `arguments`; `edits` make the request the server's own.
    /// `wrapped`: the call came through `call_tool`, whose own name is not the tool's.
    func admit(
        _ exchange: MCPExchange, kind: ListKind, shown: String, route: NameBook.Route, server: UpstreamServer, arguments: JSONView?,
        edits: [(JSONView, String)], approved: Bool, wrapped: Bool = false
    ) {
        let canonical = route.canonical
        if canonical != shown || wrapped { exchange.noteRoute(route, wrapped: wrapped) }
        var ticket: QuotaTicket?
        if kind == .tools {
            let admitted = admission.admit(
                tool: canonical, server: route.server, arguments: arguments, caller: exchange.caller.principal,
                virtualServer: exchange.session.virtualServer, approved: approved, context: { exchange.logMetadata }
            )
            switch admitted {
            case .success(let admitted):
                ticket = admitted.ticket
                if audit != nil { exchange.noteDecision(admitted.decision) }
            case .failure(.approvalRequired(let rule, let version)) where approvals != nil:
                seekApproval(exchange, rule: rule, policyVersion: version, server: route.server, tool: canonical, then: again(exchange, kind: kind, wrapped: wrapped))
                return
            case .failure(.unknownTool):
                // Told under the name the client used, not the canonical one.
                refuse(exchange, .unknownTool(shown), server: route.server)
                return
            case .failure(let error):
                refuse(exchange, error, server: route.server)
                return
            }
        } else if !governance.current.virtualServers.includesPrompt(canonical, in: exchange.session.virtualServer) {
            refuse(exchange, .unknownPrompt(shown), server: nil)
            return
        }
        guard kind == .tools else {
            forward(exchange, to: server, edits: edits, ticket: ticket)
            return
        }
        checkListed(exchange, server: server, tool: route.upstream, name: shown, edits: edits, ticket: ticket, listed: false, approved: approved, wrapped: wrapped)
    }

    /// After policy (so a caller denied a tool learns nothing more of it): a name the server
    /// does not list is an unknown tool, and a quarantined tool is refused; neither reaches the
    /// server. A server not listed yet is listed first, once; if that fails the call goes on
    /// and the server answers for its own names. Then the holds for a human: a definition
    /// nobody approved (`approve` mode), and a caller shown instructions (`guards.flow`); a
    /// call a human approved (`approved`) has been asked already.
    private func checkListed(
        _ exchange: MCPExchange, server: UpstreamServer, tool: String, name: String, edits: [(JSONView, String)], ticket: QuotaTicket?, listed: Bool,
        approved: Bool, wrapped: Bool
    ) {
        switch catalogue.toolNames.lists(tool, server: server.name) {
        case false?:
            ticket?.release()
            refuse(exchange, .unknownTool(name), server: server.name)
            return
        case nil where !listed:
            catalogue.listTools(of: server, on: exchange.loop).whenComplete { _ in
                self.checkListed(exchange, server: server, tool: tool, name: name, edits: edits, ticket: ticket, listed: true, approved: approved, wrapped: wrapped)
            }
            return
        default:
            break
        }
        switch catalogue.guards?.hold(server: server.name, tool: tool, federatedName: name) {
        case .quarantined(let refusal)?:
            ticket?.release()
            refuse(exchange, refusal, server: server.name)
            return
        case .approval(let record)? where !approved:
            // `approve` mode: a definition nobody approved runs only with a human's say-so.
            exchange.noteAuditDetail("pin \(record.state.rawValue) \(record.seen.id)")
            askHuman(exchange, rule: DefinitionGuard.approvalRule, server: server.name, tool: FederatedName.join(server: server.name, name: tool), ticket: ticket,
                     otherwise: .toolQuarantined(Quarantine(record, federatedName: name)), again: again(exchange, kind: .tools, wrapped: wrapped))
            return
        default:
            break
        }
        // A caller shown instructions in a result asks a human before acting outside (a call a
        // human approved, for this or for a policy rule, has been asked already).
        if !approved, let flow = content?.flow,
            let taint = flow.taint(for: exchange, tool: catalogue.annotations.annotations(of: FederatedName.join(server: server.name, name: tool)), holding: approvals == nil ? .block : flow.action) {
            exchange.noteAuditDetail("flow: earlier \(taint.reason)")
            askHuman(exchange, rule: FlowGuard.rule, server: server.name, tool: FederatedName.join(server: server.name, name: tool), ticket: ticket,
                     otherwise: .guardBlocked(GuardBlock(flow: taint, server: server.name, tool: name)), ask: flow.action == .approve,
                     again: again(exchange, kind: .tools, wrapped: wrapped))
            return
        }
        screenArguments(exchange, server: server, tool: tool, edits: edits, ticket: ticket)
    }

    /// A call the guards hold for a human: asked (`seekApproval`; once approved it is routed
    /// again, as approved), or refused with `refusal` when `ask` is false or the gateway has no
    /// approval queue. Its quota slot is given back meanwhile: a human may take minutes.
    private func askHuman(
        _ exchange: MCPExchange, rule: String, server: String, tool name: String, ticket: QuotaTicket?, otherwise refusal: GatewayError, ask: Bool = true,
        again: @escaping @Sendable () -> Void
    ) {
        ticket?.release()
        guard ask, approvals != nil else {
            logger.warning("guards: call refused", metadata: exchange.logMetadata.merging(["switchboard.rule": "\(rule)"]) { $1 })
            refuse(exchange, refusal, server: server)
            return
        }
        seekApproval(exchange, rule: rule, policyVersion: governance.current.policy.version, server: server, tool: name, then: again)
    }

    /// Last before a tool call goes out: secrets in its arguments are recorded, or the call
    /// is refused (`guards.results.arguments`).
    private func screenArguments(_ exchange: MCPExchange, server: UpstreamServer, tool: String, edits: [(JSONView, String)], ticket: QuotaTicket?) {
        if let content {
            switch content.screen(params: exchange.message.params, server: server.name, tool: tool) {
            case .pass:
                break
            // Arguments are never held (that is for results).
            case .found(let findings, _), .held(let findings, _, _):
                exchange.noteAuditDetail("arguments: " + ContentGuard.summary(findings))
                logger.info("guards: secrets in a call's arguments", metadata: guardMetadata(exchange, server: server.name, tool: tool, findings))
            case .blocked(let block, let findings):
                ticket?.release()
                exchange.noteAuditDetail("arguments: " + ContentGuard.summary(findings))
                logger.warning("guards: call refused for secrets in its arguments", metadata: guardMetadata(exchange, server: server.name, tool: tool, findings))
                refuse(exchange, .guardBlocked(block), server: server.name)
                return
            }
        }
        forward(exchange, to: server, edits: edits, ticket: ticket)
    }

    func guardMetadata(_ exchange: MCPExchange, server: String, tool: String?, _ findings: [ResultScanner.Finding]) -> Logger.Metadata {
        var metadata = exchange.logMetadata
        metadata["switchboard.server"] = "\(server)"
        if let tool { metadata["switchboard.tool"] = "\(tool)" }
        metadata["switchboard.findings"] = "\(ContentGuard.summary(findings))"
        return metadata
    }

    /// Answers a call the gateway turns away itself, recorded as `call.refused`.
    func refuse(_ exchange: MCPExchange, _ error: GatewayError, server: String?) {
        audit?.refused(exchange, server: server, error: error)
        exchange.fail(error)
    }

    /// resources/read, subscribe, unsubscribe: the index built from the relayed lists says
    /// which server owns a URI; a gateway URI (one of several servers' copies of a shared URI)
    /// goes to its server as the server's own URI. Subscriptions are kept under the URI the
    /// client used, so updates reach it under that URI.
    func routeByURI(_ exchange: MCPExchange) {
        guard let uriView = exchange.message.params?["uri"], let uri = uriView.string else {
            exchange.fail(.invalidParams("params.uri is required"))
            return
        }
        withOwner(of: uri, exchange) { server, own in
            switch exchange.method {
            case MCPMethod.resourcesSubscribe:
                exchange.session.subscribe(uri)
            case MCPMethod.resourcesUnsubscribe:
                exchange.session.unsubscribe(uri)
                // Other sessions may still want updates for this URI from the shared upstream,
                // under either of its forms.
                if self.listen.isWanted(own, from: server.name) {
                    exchange.reply(ByteBuffer(string: "{}"))
                    return
                }
            case MCPMethod.resourcesRead where own != uri:
                exchange.noteShownURI(uri, own: own)
            default:
                break
            }
            self.forward(exchange, to: server, edits: own == uri ? [] : [(uriView, JSONWriter.quoted(own))])
        }
    }

    /// tasks/get, tasks/update, tasks/cancel (the 2026-07-28 tasks extension, digest §4.5): the
    /// task id the client holds is `{server}__{id}`, as the gateway named it when the task
    /// was created; the server sees its own id.
    func routeTask(_ exchange: MCPExchange) {
        guard let idView = exchange.message.params?["taskId"], let id = idView.string, let (serverName, named) = FederatedName.split(id),
            let server = servers.named(serverName),
            let local = TaskNaming.localID(named, server: serverName, owner: exchange.session, sealer: sessions.sealer)
        else {
            // Another caller's task is unknown to this one, exactly like a task that never was.
            exchange.fail(.invalidParams("unknown taskId"))
            return
        }
        forward(exchange, to: server, edits: [(idView, JSONWriter.quoted(local))])
    }

    /// completion/complete: a prompt reference is routed like prompts/get, a resource
    /// reference like resources/read.
    func routeCompletion(_ exchange: MCPExchange) {
        guard let ref = exchange.message.params?["ref"], let type = ref["type"]?.string else {
            exchange.fail(.invalidParams("params.ref is required"))
            return
        }
        switch type {
        case "ref/prompt":
            guard let nameView = ref["name"], let name = nameView.string else {
                exchange.fail(.unknownPrompt(""))
                return
            }
            catalogue.learnRoute(.prompts, name, on: exchange.loop) { route in
                guard let route, let server = self.servers.named(route.server),
                    self.governance.current.virtualServers.includesPrompt(route.canonical, in: exchange.session.virtualServer)
                else {
                    exchange.fail(.unknownPrompt(name))
                    return
                }
                self.forward(exchange, to: server, edits: [(nameView, JSONWriter.quoted(route.upstream))])
            }
        case "ref/resource":
            guard let uriView = ref["uri"], let uri = uriView.string else {
                exchange.fail(.invalidParams("ref.uri is required"))
                return
            }
            withOwner(of: uri, exchange) { server, own in
                self.forward(exchange, to: server, edits: own == uri ? [] : [(uriView, JSONWriter.quoted(own))])
            }
        default:
            exchange.fail(.invalidParams("unknown ref type \(type)"))
        }
    }

    /// Runs `body` with the server owning `uri` and the URI it knows it by, once some server
    /// owns it and that URI is inside the exchange's virtual server; answers "not found"
    /// otherwise.
    private func withOwner(of uri: String, _ exchange: MCPExchange, _ body: @escaping @Sendable (UpstreamServer, String) -> Void) {
        catalogue.owner(of: uri, on: exchange.loop).whenSuccess { found in
            guard let found, self.governance.current.virtualServers.includesResource(uri: found.uri, in: exchange.session.virtualServer) else {
                self.refuse(exchange, .resourceNotFound(uri), server: nil)
                return
            }
            body(found.server, found.uri)
        }
    }
}

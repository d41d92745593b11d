import Synchronization
package import NIOCore
import Logging
package import SwitchboardCore

extension Gateway {
    /// Lists are read from every server concurrently and merged; a server that fails or is
    /// slow is left out of that page (logged and counted) and never fails the whole list.
    func list(_ kind: ListKind, _ message: JSONRPCMessage, session: DownstreamSession, responder: any DownstreamResponder, on loop: any EventLoop) {
        let cursor: String??
        if let view = message.params?["cursor"] {
            cursor = .some(view.string)
        } else {
            cursor = .none
        }
        guard cursor != .some(nil) else {
            fail(message, .invalidCursor, session: session, responder: responder)
            return
        }
        listPage(kind, cursor: cursor ?? nil, on: loop).whenComplete { result in
            switch result {
            case .success(let page): self.reply(message, result: page, session: session, responder: responder)
            case .failure(let error): self.fail(message, GatewayError(error), session: session, responder: responder)
            }
        }
    }

    /// One merged page: the first when `cursor` is nil, else the one the cursor points at.
    package func listPage(_ kind: ListKind, cursor: String?, on loop: any EventLoop) -> EventLoopFuture<ByteBuffer> {
        let targets: [(UpstreamServer, String?)]
        if let cursor {
            guard let decoded = GatewayCursor(encoded: cursor, knownServers: Set(serversByName.keys)) else {
                return loop.makeFailedFuture(GatewayError.invalidCursor)
            }
            targets = decoded.positions.compactMap { p in serversByName[p.server].map { ($0, p.cursor) } }
        } else {
            targets = servers.filter { offers(kind, $0) }.map { ($0, nil) }
        }
        return fetchPages(kind, targets: targets, on: loop).map { pages in
            let next = pages.compactMap { page in page.result["nextCursor"]?.string.map { (page.server, $0) } }
            let merged = CatalogueMerger(kind: kind, maxNameLength: self.config.limits.maxToolNameLength).merge(
                pages: pages,
                nextCursor: next.isEmpty ? nil : GatewayCursor(positions: next).encoded,
                claimed: kind == .resources ? self.resourceIndex.claimedURIs : [:]
            )
            self.record(findings: merged.findings, kind: kind, servers: pages.map(\.server))
            if !kind.isRenamed { self.resourceIndex.record(kind: kind, owners: merged.owners) }
            return merged.result
        }
    }

    /// Every page of a merged list, for `switchboard check` (bounded to 1,000 pages).
    package func fullList(_ kind: ListKind, on loop: any EventLoop) -> EventLoopFuture<[JSONView]> {
        @Sendable func next(_ cursor: String?, _ collected: [JSONView], _ pages: Int) -> EventLoopFuture<[JSONView]> {
            listPage(kind, cursor: cursor, on: loop).flatMap { page in
                guard let view = try? JSONView.parse(page) else { return loop.makeSucceededFuture(collected) }
                let items = collected + (view[kind.arrayKey]?.elements ?? [])
                guard let cursor = view["nextCursor"]?.string, pages < 1000 else { return loop.makeSucceededFuture(items) }
                return next(cursor, items, pages + 1)
            }
        }
        return next(nil, [], 1)
    }

    /// One page from each target; failures become gaps.
    func fetchPages(_ kind: ListKind, targets: [(UpstreamServer, String?)], on loop: any EventLoop) -> EventLoopFuture<[(server: String, result: JSONView)]> {
        let futures = targets.map { server, cursor in
            server.request(method: kind.method, observer: nil, on: loop, timeout: listTimeout(server)) { _ in
                cursor.map { ByteBuffer(string: #"{"cursor":"# + JSONWriter.quoted($0) + "}") }
            }.future
        }
        return EventLoopFuture.whenAllComplete(futures, on: loop).map { results in
            var pages: [(server: String, result: JSONView)] = []
            for ((server, _), result) in zip(targets, results) {
                switch result {
                case .success(let response) where response.result?.isObject == true:
                    pages.append((server.name, response.result!))
                case .success(let response):
                    self.listGap(kind, server: server.name, reason: response.error?["message"]?.string ?? "error response")
                case .failure(let error):
                    self.listGap(kind, server: server.name, reason: UpstreamServer.describe(error))
                }
            }
            return pages
        }
    }

    /// Lists must stay fast even when one server hangs: capped at 10 s.
    private func listTimeout(_ server: UpstreamServer) -> Duration {
        min(server.config.timeouts.request, .seconds(10))
    }

    /// A server offers a list when its capabilities say so; one never seen up yet is asked
    /// anyway, so its absence shows up as a gap rather than silently.
    func offers(_ kind: ListKind, _ server: UpstreamServer) -> Bool {
        guard let result = server.initializeResult else { return true }
        return result["capabilities"]?[kind.capability] != nil
    }

    private func listGap(_ kind: ListKind, server: String, reason: String) {
        logger.warning("server left out of list", metadata: [
            "switchboard.server": "\(server)", "switchboard.list": "\(kind.rawValue)", "switchboard.reason": "\(reason)",
        ])
        GatewayMetrics.listGaps.increment(server: server)
    }

    /// Keeps the latest findings per server and list; logs only what is new.
    private func record(findings new: [CatalogueFinding], kind: ListKind, servers: [String]) {
        for server in servers {
            let key = "\(server)\u{0}\(kind.rawValue)"
            let mine = new.filter { $0.server == server }
            let previous = findings.withLock { f -> [CatalogueFinding] in
                defer { f[key] = mine.isEmpty ? nil : mine }
                return f[key] ?? []
            }
            for finding in mine where !previous.contains(finding) {
                logger.warning("catalogue finding", metadata: ["switchboard.finding": "\(finding)"])
                GatewayMetrics.rejectedNames.increment(server: server)
            }
        }
    }
}

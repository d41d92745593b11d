import Synchronization
package import NIOCore
import Logging
package import SwitchboardCore
package import SwitchboardUpstream

extension Gateway {
    /// Lists are read from every server concurrently and merged; a server that fails or is
    /// slow is left out of that page (logged and counted) and never fails the whole list.
    func list(_ kind: ListKind, _ message: JSONRPCMessage, session: DownstreamSession, caller: RequestCaller, responder: any DownstreamResponder, on loop: any EventLoop) {
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
            case .success(let page):
                let rules = self.governance.current
                let shown = self.pageForCaller(page, kind: kind, caller: caller.principal, virtualServer: session.virtualServer, rules: rules)
                // A list that depends on who asks must not sit in a shared cache (digest §7.2).
                let scope = rules.listsDependOnCaller || self.privateLists.withLock { $0.contains(kind) } ? "private" : "public"
                self.reply(message, result: shown, session: session, responder: responder, cacheScope: scope)
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
        // Every contributor cached and unchanged since the last merge: the merge is reused.
        let stampBefore = MergedListCache.stamp(targets)
        if MergedListCache.allCached(kind, targets: targets), let merged = mergedLists.page(kind, cursor: cursor, stamp: stampBefore) {
            return loop.makeSucceededFuture(merged)
        }
        return fetchPages(kind, targets: targets, on: loop).map { pages in
            if pages.contains(where: { $0.result["cacheScope"]?.string == "private" }) {
                _ = self.privateLists.withLock { $0.insert(kind) }
            }
            let next = pages.compactMap { page in page.result["nextCursor"]?.string.map { (page.server, $0) } }
            let merged = CatalogueMerger(kind: kind, maxNameLength: self.config.limits.maxToolNameLength).merge(
                pages: pages,
                nextCursor: next.isEmpty ? nil : GatewayCursor(positions: next).encoded,
                claimed: kind == .resources ? self.resourceIndex.claimedURIs : [:]
            )
            self.record(findings: merged.findings, kind: kind, servers: pages.map(\.server), firstPage: cursor == nil)
            if !kind.isRenamed { self.resourceIndex.record(kind: kind, owners: merged.owners) }
            // Kept only when every page came from (or went into) a server's cache and no list
            // changed while merging.
            if pages.count == targets.count, MergedListCache.allCached(kind, targets: targets),
                MergedListCache.stamp(targets) == stampBefore
            {
                self.mergedLists.store(merged.result, list: kind, cursor: cursor, stamp: stampBefore)
            }
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

    /// One page from each target; failures become gaps. Pages of servers that announce
    /// their changes come from their cache when present.
    func fetchPages(_ kind: ListKind, targets: [(UpstreamServer, String?)], on loop: any EventLoop) -> EventLoopFuture<[(server: String, result: JSONView)]> {
        let futures = targets.map { server, cursor in fetchPage(kind, from: server, cursor: cursor, on: loop) }
        return EventLoopFuture.whenAllSucceed(futures, on: loop).map { outcomes in
            var pages: [(server: String, result: JSONView)] = []
            for ((server, _), outcome) in zip(targets, outcomes) {
                switch outcome {
                case .page(let result): pages.append((server.name, result))
                case .gap(let reason): self.listGap(kind, server: server.name, reason: reason)
                }
            }
            return pages
        }
    }

    private enum PageOutcome {
        case page(JSONView)
        case gap(String)
    }

    private func fetchPage(_ kind: ListKind, from server: UpstreamServer, cursor: String?, on loop: any EventLoop) -> EventLoopFuture<PageOutcome> {
        if let cached = server.listCache.page(kind, cursor: cursor) { return loop.makeSucceededFuture(.page(cached)) }
        let generation = server.listCache.generation
        return server.request(method: kind.method, observer: nil, on: loop, timeout: listTimeout(server)) { _ in
            cursor.map { ByteBuffer(string: #"{"cursor":"# + JSONWriter.quoted($0) + "}") }
        }.future.map { response -> PageOutcome in
            guard let result = response.result, result.isObject else {
                return .gap(response.error?["message"]?.string ?? "error response")
            }
            if server.announcesChanges(of: kind) {
                server.listCache.store(result, for: kind, cursor: cursor, fetchedAt: generation)
            }
            if kind == .tools {
                self.paramHeaders.record(server: server.name, page: result)
                self.governance.annotations.record(server: server.name, page: result)
            }
            return .page(result)
        }.recover { .gap(UpstreamServer.describe($0)) }
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
    /// A first page starts a server's findings afresh; later pages add to them, so findings
    /// on every page of a long list are kept.
    private func record(findings new: [CatalogueFinding], kind: ListKind, servers: [String], firstPage: Bool) {
        for server in servers {
            let key = "\(server)\u{0}\(kind.rawValue)"
            let mine = new.filter { $0.server == server }
            let previous = findings.withLock { f -> [CatalogueFinding] in
                let before = f[key] ?? []
                let kept = firstPage ? [] : before
                let all = kept + mine.filter { !kept.contains($0) }
                f[key] = all.isEmpty ? nil : all
                return before
            }
            for finding in mine where !previous.contains(finding) {
                logger.warning("catalogue finding", metadata: ["switchboard.finding": "\(finding)"])
                GatewayMetrics.rejectedNames.increment(server: server)
            }
        }
    }
}

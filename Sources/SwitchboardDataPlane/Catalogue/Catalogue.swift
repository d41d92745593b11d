package import SwitchboardGuards
import Synchronization
package import NIOCore
package import Logging
package import SwitchboardCore
import SwitchboardUpstream

/// The merged catalogue: lists read from every server concurrently and merged into one, with
/// the names clients see (`ShownNames`: `{server}__{name}` by default) and a cursor over all servers (`CatalogueMerger`, `GatewayCursor`),
/// reused while the servers' own caches hold (`MergedListCache`), and the indexes learned from
/// the lists as they pass: resource owners, tool hints, `x-mcp-header` arguments, findings.
/// A server that fails or is slow is left out of that page (logged and counted) and never
/// fails the whole list.
package final class Catalogue: Sendable {
    let servers: UpstreamServers
    private let logger: Logger
    package let resourceIndex: ResourceIndex
    private let mergedLists = MergedListCache()
    /// Each caller's filtered pages (`CallerView`), while page and rules stand.
    let callerViews = CallerViewCache()
    /// How long the last merge of each list stays fresh: the shortest `ttlMs` of its pages
    /// when every server gave one (2026-07-28 servers), from when it was merged.
    private let listFreshness = Mutex<[String: (ttlMs: Int, merged: NIODeadline)]>([:])
    /// Lists a server called `private` (2026-07-28 `cacheScope`): the merged list is private
    /// too from then on, never downgraded to public (digest §7.2).
    private let privateLists = Mutex<Set<ListKind>>([])
    private let findingsByList = Mutex<[String: [CatalogueFinding]]>([:])
    /// Tools whose arguments travel as `Mcp-Param-*` headers too.
    let paramHeaders = ParamHeaderIndex()
    /// Tools' hints from the latest lists, for policy rules on annotations.
    let annotations = ToolAnnotationIndex()
    /// Pins and scans tools as their lists pass, and hides the ones not approved (nil: off).
    package let guards: DefinitionGuard?
    /// The names clients see for tools and prompts, both ways.
    package let shownTools: ShownNames
    package let shownPrompts: ShownNames
    /// The tool names each server listed last: calls to other names are unknown tools.
    var toolNames: ListedNames { shownTools.listed }
    /// When a name no list showed last made a server be listed (`route`), by list and server.
    private let missListings = Mutex<[String: NIODeadline]>([:])
    /// The search index of the whole tools list, and when it was made (`toolSearch`).
    let toolSearchCache = Mutex<(stamp: MergedListCache.Stamp, made: NIODeadline, index: ToolSearch)?>(nil)

    package init(servers: UpstreamServers, limits: LimitsConfig, guards: DefinitionGuard? = nil, logger: Logger) {
        self.servers = servers
        let configs = servers.all.map(\.config)
        resourceIndex = ResourceIndex(servers: Set(configs.map(\.name)))
        shownTools = ShownNames(kind: .tools, servers: configs, budget: limits.nameBudget)
        shownPrompts = ShownNames(kind: .prompts, servers: configs, budget: limits.nameBudget)
        self.guards = guards
        self.logger = logger
    }

    /// Findings from the latest lists, per server and list, for `check` and the admin API.
    package var findings: [CatalogueFinding] {
        findingsByList.withLock { f in f.keys.sorted().flatMap { f[$0]! } }
    }

    /// Whether some server called its part of `kind` private.
    func isPrivate(_ kind: ListKind) -> Bool {
        privateLists.withLock { $0.contains(kind) }
    }

    /// What the servers offer together, as `initialize` and `server/discover` tell it.
    var capabilities: CapabilityUnion {
        CapabilityUnion(servers.all, admitInstructions: guards.map { guards in { guards.admitInstructions(server: $0, text: $1) } })
    }

    // MARK: Pages

    /// One merged page: the first when `cursor` is nil, else the one the cursor points at.
    package func page(_ kind: ListKind, cursor: String?, on loop: any EventLoop) -> EventLoopFuture<ByteBuffer> {
        let targets: [(UpstreamServer, String?)]
        if let cursor {
            guard let decoded = GatewayCursor(encoded: cursor, knownServers: servers.names) else {
                return loop.makeFailedFuture(GatewayError.invalidCursor)
            }
            targets = decoded.positions.compactMap { p in servers.named(p.server).map { ($0, p.cursor) } }
        } else {
            targets = servers.offer(kind).map { ($0, nil) }
        }
        // Every contributor cached and unchanged since the last merge: the merge is reused.
        let stampBefore = MergedListCache.stamp(targets, guards: guards?.generation, names: namingGeneration(kind))
        if MergedListCache.allCached(kind, targets: targets), let merged = mergedLists.page(kind, cursor: cursor, stamp: stampBefore) {
            return loop.makeSucceededFuture(merged)
        }
        return fetchPages(kind, targets: targets, on: loop).map { pages in
            if pages.contains(where: { $0.result["cacheScope"]?.string == "private" }) {
                _ = self.privateLists.withLock { $0.insert(kind) }
            }
            self.recordFreshness(kind, pages.map { $0.result["ttlMs"]?.int ?? 0 })
            let next = pages.compactMap { page in page.result["nextCursor"]?.string.map { (page.server, $0) } }
            let names = self.shown(kind)
            if !kind.isRenamed {
                // Every page's URIs are known before any is shown: a URI two servers list
                // is shown as a gateway URI for both.
                let first = Dictionary(targets.map { ($0.0.name, $0.1 == nil) }, uniquingKeysWith: { a, _ in a })
                for page in pages {
                    let identities = page.result[kind.arrayKey]?.elements.compactMap { $0[kind.identityKey]?.string } ?? []
                    self.resourceIndex.record(kind, server: page.server, identities: identities, first: first[page.server] ?? true)
                }
            }
            let index = self.resourceIndex
            let merged = CatalogueMerger(kind: kind) { server, identity in
                names?.shown(server: server, upstream: identity) ?? index.shown(kind, server: server, identity: identity)
            }.merge(pages: pages, nextCursor: next.isEmpty ? nil : GatewayCursor(positions: next).encoded)
            self.record(findings: merged.findings, kind: kind, servers: pages.map(\.server), firstPage: cursor == nil)
            // Kept only when every page came from (or went into) a server's cache and no list
            // changed while merging.
            if pages.count == targets.count, MergedListCache.allCached(kind, targets: targets),
                MergedListCache.stamp(targets, guards: self.guards?.generation, names: self.namingGeneration(kind)) == stampBefore
            {
                self.mergedLists.store(merged.result, list: kind, cursor: cursor, stamp: stampBefore)
            }
            return merged.result
        }
    }

    /// `ttlMs` for a client of the merged `kind` list: what is left of the shortest freshness
    /// its servers promised, 0 when any server promised none (a legacy server, or 0).
    package func freshFor(_ kind: ListKind) -> Int {
        guard let entry = listFreshness.withLock({ $0[kind.arrayKey] }) else { return 0 }
        let elapsed = Int((NIODeadline.now() - entry.merged).nanoseconds / 1_000_000)
        return max(0, entry.ttlMs - elapsed)
    }

    private func recordFreshness(_ kind: ListKind, _ ttls: [Int]) {
        listFreshness.withLock { entries in
            if let least = ttls.min(), least > 0 {
                entries[kind.arrayKey] = (min(least, 3_600_000), .now())
            } else {
                entries[kind.arrayKey] = nil
            }
        }
    }

    /// Every page of a merged list, for `switchboard check` (bounded to 1,000 pages).
    package func fullList(_ kind: ListKind, on loop: any EventLoop) -> EventLoopFuture<[JSONView]> {
        @Sendable func next(_ cursor: String?, _ collected: [JSONView], _ pages: Int) -> EventLoopFuture<[JSONView]> {
            page(kind, cursor: cursor, on: loop).flatMap { page in
                guard let view = try? JSONView.parse(page) else { return loop.makeSucceededFuture(collected) }
                let items = collected + (view[kind.arrayKey]?.elements ?? [])
                guard let cursor = view["nextCursor"]?.string, pages < 1000 else { return loop.makeSucceededFuture(items) }
                return next(cursor, items, pages + 1)
            }
        }
        return next(nil, [], 1)
    }

    /// Every page of one server's tools, through the guards: how a call to a server not listed
    /// yet learns its names, and how the periodic refresh catches a server that changed its
    /// tools without announcing it (bounded to 1,000 pages).
    func listTools(of server: UpstreamServer, on loop: any EventLoop) -> EventLoopFuture<Void> {
        listAll(.tools, of: server, on: loop)
    }

    /// Every page of one server's `kind` (tools or prompts), names recorded as they pass.
    func listAll(_ kind: ListKind, of server: UpstreamServer, on loop: any EventLoop) -> EventLoopFuture<Void> {
        @Sendable func next(_ cursor: String?, _ pages: Int) -> EventLoopFuture<Void> {
            fetchPage(kind, from: server, cursor: cursor, on: loop).flatMap { outcome in
                guard case .page(let page) = outcome, let cursor = page["nextCursor"]?.string, pages < 1000 else { return loop.makeSucceededVoidFuture() }
                return next(cursor, pages + 1)
            }
        }
        return next(nil, 1)
    }

    /// The server that owns `uri`, and the URI it knows it by (a gateway URI's own part); the
    /// first time, the index is filled from every server's lists. A single server offering
    /// resources owns every URI it did not list (servers may serve URIs they never list).
    func owner(of uri: String, on loop: any EventLoop) -> EventLoopFuture<(server: UpstreamServer, uri: String)?> {
        if let found = resourceIndex.owner(of: uri), let server = servers.named(found.server) { return loop.makeSucceededFuture((server, found.uri)) }
        let candidates = servers.offer(.resources)
        let refresh: EventLoopFuture<Void>
        if resourceIndex.isPopulated {
            refresh = loop.makeSucceededVoidFuture()
        } else {
            // The first pages of both lists, merged as for a client, record their owners.
            refresh = page(.resources, cursor: nil, on: loop).and(page(.resourceTemplates, cursor: nil, on: loop)).map { _ in }
        }
        return refresh.map {
            if let found = self.resourceIndex.owner(of: uri), let server = self.servers.named(found.server) { return (server, found.uri) }
            return candidates.count == 1 && !self.resourceIndex.isShared(uri) ? (candidates[0], uri) : nil
        }
    }

    /// The `x-mcp-header` arguments of the tool a client calls by `name` (front door).
    package func headerParams(forShown name: String) -> [ParamHeaderIndex.Param] {
        guard !paramHeaders.isEmpty, let route = shownTools.route(name) else { return [] }
        return paramHeaders.params(for: route.canonical)
    }

    /// Moves when what clients are shown for `kind` may have changed.
    private func namingGeneration(_ kind: ListKind) -> UInt64 {
        shown(kind)?.generation ?? resourceIndex.generation
    }

    /// The shown names of `kind`, for the lists whose names the gateway maps.
    func shown(_ kind: ListKind) -> ShownNames? {
        switch kind {
        case .tools: shownTools
        case .prompts: shownPrompts
        default: nil
        }
    }

    /// The server and own name behind `name`, when a list showed it.
    func knownRoute(_ kind: ListKind, _ name: String) -> NameBook.Route? {
        shown(kind)?.route(name)
    }

    /// The server and own name behind a tool's or prompt's shown name. A name no list showed
    /// yet has the running servers not listed in full listed first (after a restart a client
    /// may call a shortened name it kept), each at most once every 5 s whatever names callers
    /// make up; then `{prefix}__{name}` is read back, so a server that could not be listed
    /// still answers for its own names.
    /// `knownRoute` is the lookup alone, for the call path: most names are in the book.
    func learnRoute(_ kind: ListKind, _ name: String, on loop: any EventLoop, _ body: @escaping @Sendable (NameBook.Route?) -> Void) {
        guard let shown = shown(kind) else { return body(nil) }
        if let route = shown.route(name) { return body(route) }
        let now = NIODeadline.now()
        let unlisted = servers.offer(kind).filter { server in
            guard server.initializeResult != nil, !shown.listed.isComplete(server.name) else { return false }
            let key = kind.rawValue + "\u{0}" + server.name
            return missListings.withLock { attempts in
                if let last = attempts[key], now < last + .seconds(5) { return false }
                attempts[key] = now
                return true
            }
        }
        guard !unlisted.isEmpty else { return body(shown.guessRoute(name)) }
        EventLoopFuture.whenAllComplete(unlisted.map { listAll(kind, of: $0, on: loop) }, on: loop).whenComplete { _ in
            body(shown.route(name) ?? shown.guessRoute(name))
        }
    }

    /// A server's list changed, or it restarted: what it owned is learned again.
    func forget(server: String) {
        resourceIndex.forget(server: server)
    }

    /// Every server's definitions as the server sends them, before the guards (every page of
    /// its tools and prompts, and its `instructions`): what `switchboard scan --server` judges.
    /// A server that does not answer is left out of the catalogue, logged, and named in
    /// `leftOut` with the reason, so cross-server verdicts made without it can say so.
    package func definitions(on loop: any EventLoop) -> EventLoopFuture<(catalogue: GuardCatalogue, leftOut: [String: String])> {
        typealias Listed = (items: [JSONView], gap: String?)
        @Sendable func all(_ kind: ListKind, _ server: UpstreamServer) -> EventLoopFuture<Listed> {
            // A server up without the capability has nothing to list (asking would be a gap).
            if let result = server.initializeResult, result["capabilities"]?[kind.capability] == nil {
                return loop.makeSucceededFuture(([], nil))
            }
            @Sendable func next(_ cursor: String?, _ pages: Int, _ items: [JSONView]) -> EventLoopFuture<Listed> {
                fetchRawPage(kind, from: server, cursor: cursor, on: loop).flatMap { outcome in
                    switch outcome {
                    case .gap(let reason):
                        self.listGap(kind, server: server.name, reason: reason)
                        return loop.makeSucceededFuture((items, reason))
                    case .page(let page):
                        let collected = items + (page[kind.rawValue]?.elements ?? [])
                        guard let cursor = page["nextCursor"]?.string, pages < 1000 else { return loop.makeSucceededFuture((collected, nil)) }
                        return next(cursor, pages + 1, collected)
                    }
                }
            }
            return next(nil, 1, [])
        }
        let servers = servers.all.filter { $0.config.enabled }
        let fetched = servers.map { server in
            all(.tools, server).and(all(.prompts, server)).map { tools, prompts in
                (GuardCatalogue.Server(name: server.name, tools: tools.items, prompts: prompts.items, instructions: server.initializeResult?["instructions"]?.string),
                 tools.gap ?? prompts.gap)
            }
        }
        return EventLoopFuture.whenAllSucceed(fetched, on: loop).map { listed in
            var leftOut: [String: String] = [:]
            for (server, gap) in listed { if let gap { leftOut[server.name] = gap } }
            return (GuardCatalogue(servers: listed.map(\.0)), leftOut)
        }
    }

    // MARK: Fetching

    private enum PageOutcome {
        case page(JSONView)
        case gap(String)
    }

    /// One page from each target; failures become gaps. Pages of servers that announce
    /// their changes come from their cache when present.
    private func fetchPages(_ kind: ListKind, targets: [(UpstreamServer, String?)], on loop: any EventLoop) -> EventLoopFuture<[(server: String, result: JSONView)]> {
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

    private func fetchPage(_ kind: ListKind, from server: UpstreamServer, cursor: String?, on loop: any EventLoop) -> EventLoopFuture<PageOutcome> {
        let fetched = fetchRawPage(kind, from: server, cursor: cursor, on: loop)
        guard let shown = shown(kind) else { return fetched }
        // Names are learned, and tools pass the guards, whether the page came from the
        // server's cache or the server.
        return fetched.flatMap { outcome in
            guard case .page(let page) = outcome else { return loop.makeSucceededFuture(outcome) }
            let names = page[kind.arrayKey]?.elements.compactMap { $0["name"]?.string } ?? []
            shown.record(names, server: server.name, first: cursor == nil, complete: page["nextCursor"] == nil)
            guard kind == .tools else { return loop.makeSucceededFuture(outcome) }
            guard let guards = self.guards else { return loop.makeSucceededFuture(outcome) }
            return guards.screen(page, server: server.name, first: cursor == nil, others: self.toolNames.others(than: server.name), on: loop).map { .page($0) }
        }
    }

    private func fetchRawPage(_ kind: ListKind, from server: UpstreamServer, cursor: String?, on loop: any EventLoop) -> EventLoopFuture<PageOutcome> {
        if let cached = server.listCache.page(kind, cursor: cursor) { return loop.makeSucceededFuture(.page(cached)) }
        let generation = server.listCache.generation
        // Lists must stay fast even when one server hangs: capped at 10 s.
        let timeout = min(server.config.timeouts.request, .seconds(10))
        return server.request(method: kind.method, observer: nil, on: loop, timeout: timeout) { _ in
            cursor.map { ByteBuffer(string: #"{"cursor":"# + JSONWriter.quoted($0) + "}") }
        }.future.map { response -> PageOutcome in
            guard let result = response.result, result.isObject else {
                return .gap(response.error?["message"]?.string ?? "error response")
            }
            if server.announcesChanges(of: kind) {
                server.listCache.store(result, for: kind, cursor: cursor, fetchedAt: generation)
            } else if let ttl = Self.freshness(of: result) {
                server.listCache.store(result, for: kind, cursor: cursor, fetchedAt: generation, freshFor: ttl)
            }
            if kind == .tools {
                self.paramHeaders.record(server: server.name, page: result)
                self.annotations.record(server: server.name, page: result)
            }
            return .page(result)
        }.recover { .gap(UpstreamServer.describe($0)) }
    }

    /// How long a 2026-07-28 server said a page stays fresh (`ttlMs` > 0), at most an hour so
    /// a typo upstream cannot pin a list for days; nil for none.
    static func freshness(of result: JSONView) -> TimeAmount? {
        guard let ttl = result["ttlMs"]?.int, ttl > 0 else { return nil }
        return .milliseconds(Int64(min(ttl, 3_600_000)))
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
            let previous = findingsByList.withLock { f -> [CatalogueFinding] in
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

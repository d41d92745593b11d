package import Logging
import Metrics
package import NIOCore
package import SwitchboardCore
package import SwitchboardUpstream
package import SwitchboardOutbound
import Synchronization

/// Each caller's own upstream session to `credentials.oauth` `per_user` servers: a server
/// that knows its users by their tokens, and binds its sessions to them, gets every caller's
/// calls over a session opened with that caller's token. Sessions are made on a caller's first
/// call, at most `maxPerServer` per server (the least recently used one is stopped for a new
/// one), and stopped after `idleAfter` without a call. A caller without a token is sent a
/// consent link instead (`Route.consent`).
package final class PersonalUpstreams: Sendable {
    package enum Route {
        case session(UpstreamServer)
        /// The caller has not connected its account: where it does.
        case consent(url: String)
    }

    private struct Entry {
        var server: UpstreamServer
        /// The caller's token for this server.
        let holder: OAuthTokenHolder
        var lastUsed: NIODeadline
    }

    private let group: any EventLoopGroup
    private let clientVersion: String
    private let logger: Logger
    private let holders: OAuthTokenHolders
    private let links: ConsentLinks
    /// (config, loop, logger, principal, the shared transport's route) → the caller's transport.
    private let makeTransport: @Sendable (ServerConfig, any EventLoop, Logger, String, OutboundRoute?) -> any UpstreamTransport
    private let maxPerServer: Int
    private let idleAfter: TimeAmount
    /// Server name → principal id → session.
    private struct State {
        var sessions: [String: [String: Entry]] = [:]
        var delegate: (any UpstreamEventsDelegate)?
        var sweeper: RepeatedTask?
        var stopped = false
    }

    private let entries = Mutex(State())

    package init(
        group: any EventLoopGroup, clientVersion: String, logger: Logger, holders: OAuthTokenHolders, links: ConsentLinks, maxPerServer: Int = 1000,
        idleAfter: TimeAmount = .minutes(10),
        makeTransport: @escaping @Sendable (ServerConfig, any EventLoop, Logger, String, OutboundRoute?) -> any UpstreamTransport
    ) {
        self.group = group
        self.clientVersion = clientVersion
        self.logger = logger
        self.holders = holders
        self.links = links
        self.maxPerServer = max(1, maxPerServer)
        self.idleAfter = idleAfter
        self.makeTransport = makeTransport
    }

    /// Where `principal`'s request to `shared` (a `per_user` server) goes. The usual case, a
    /// caller with a session and a token, takes one lookup under one lock and reads the token.
    package func route(_ principal: String, to shared: UpstreamServer) -> Route {
        let now = NIODeadline.now()
        let known = entries.withLock { state -> Entry? in
            guard var entry = state.sessions[shared.name]?[principal] else { return nil }
            entry.lastUsed = now
            state.sessions[shared.name]![principal] = entry
            return entry
        }
        if let known {
            return known.holder.token == nil ? .consent(url: links.link(server: shared.name, by: principal)) : .session(known.server)
        }
        guard let holder = holders.holder(server: shared.name, principal: principal), holder.token != nil else {
            return .consent(url: links.link(server: shared.name, by: principal))
        }
        let (server, evicted, isNew) = entries.withLock { state -> (UpstreamServer?, UpstreamServer?, Bool) in
            guard !state.stopped else { return (nil, nil, false) }
            // Another request of the same caller may have made it meanwhile.
            if let entry = state.sessions[shared.name]?[principal] { return (entry.server, nil, false) }
            var evicted: UpstreamServer?
            if let all = state.sessions[shared.name], all.count >= maxPerServer, let oldest = all.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                evicted = oldest.value.server
                state.sessions[shared.name]![oldest.key] = nil
            }
            let loop = group.next()
            var sessionLogger = logger
            sessionLogger[metadataKey: "switchboard.server"] = "\(shared.name)"
            sessionLogger[metadataKey: "switchboard.principal"] = "\(principal)"
            let server = UpstreamServer(
                config: shared.config, transport: makeTransport(shared.config, loop, sessionLogger, principal, shared.transport.route), eventLoop: loop,
                logger: sessionLogger, clientVersion: clientVersion
            )
            if let delegate = state.delegate { server.setDelegate(delegate) }
            state.sessions[shared.name, default: [:]][principal] = Entry(server: server, holder: holder, lastUsed: now)
            return (server, evicted, true)
        }
        if let evicted {
            SessionGauges.personalSessions.decrement()
            _ = evicted.stop()
        }
        guard let server else { return .consent(url: links.link(server: shared.name, by: principal)) }
        if isNew {
            SessionGauges.personalSessions.increment()
            server.start()
        }
        return .session(server)
    }

    /// How many callers have a session of their own with `server`.
    package func count(server: String) -> Int { entries.withLock { $0.sessions[server]?.count ?? 0 } }

    /// Events of the sessions (server-to-client requests, notifications) go to `delegate`;
    /// idle sessions are swept from now on.
    package func start(delegate: any UpstreamEventsDelegate, on loop: any EventLoop) {
        let sweeper = loop.scheduleRepeatedTask(initialDelay: .seconds(30), delay: .seconds(30)) { [weak self] _ in self?.sweep() }
        entries.withLock {
            $0.delegate = delegate
            $0.sweeper = sweeper
        }
    }

    /// Stops sessions idle for longer than `idleAfter`.
    func sweep(now: NIODeadline = .now()) {
        let idle = entries.withLock { state -> [UpstreamServer] in
            var idle: [UpstreamServer] = []
            for (name, sessions) in state.sessions {
                for (principal, entry) in sessions where now - entry.lastUsed > idleAfter {
                    idle.append(entry.server)
                    state.sessions[name]![principal] = nil
                }
            }
            return idle
        }
        for server in idle {
            SessionGauges.personalSessions.decrement()
            _ = server.stop()
        }
    }

    package func stopAll(on loop: any EventLoop) -> EventLoopFuture<Void> {
        let all = entries.withLock { state -> [UpstreamServer] in
            state.stopped = true
            state.sweeper?.cancel()
            defer { state.sessions.removeAll() }
            return state.sessions.values.flatMap { $0.values.map(\.server) }
        }
        return EventLoopFuture.andAllComplete(all.map { $0.stop() }, on: loop)
    }
}

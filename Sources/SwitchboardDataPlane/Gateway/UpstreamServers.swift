package import NIOCore
package import Logging
package import SwitchboardCore
package import SwitchboardUpstream

/// The enabled upstream servers, in config order (which is the merged lists' order), by name,
/// and whether they have finished starting. Fixed for the life of the gateway.
package final class UpstreamServers: Sendable {
    package let all: [UpstreamServer]
    private let byName: [String: UpstreamServer]

    /// One `UpstreamServer` per enabled server, each on its own loop of `group`, its transport
    /// made by `makeTransport` (the seam tests use to put a recording transport in).
    package init(
        _ configs: [ServerConfig], group: any EventLoopGroup, clientVersion: String, logger: Logger,
        makeTransport: (ServerConfig, any EventLoop, Logger) -> any UpstreamTransport
    ) {
        var servers: [UpstreamServer] = []
        for config in configs where config.enabled {
            let loop = group.next()
            var serverLogger = logger
            serverLogger[metadataKey: "switchboard.transport"] = "\(config.transport.kindName)"
            servers.append(
                UpstreamServer(
                    config: config, transport: makeTransport(config, loop, serverLogger), eventLoop: loop, logger: serverLogger,
                    clientVersion: clientVersion
                )
            )
        }
        all = servers
        byName = Dictionary(uniqueKeysWithValues: servers.map { ($0.name, $0) })
    }

    package func named(_ name: String) -> UpstreamServer? { byName[name] }

    package var names: Set<String> { Set(byName.keys) }

    /// Completes once no server is still on its first start, or after `limit`. A server that
    /// was up before and is restarting does not hold clients up: its capabilities are known.
    package func settled(within limit: TimeAmount, on loop: any EventLoop) -> EventLoopFuture<Void> {
        let deadline = NIODeadline.now() + limit
        let promise = loop.makePromise(of: Void.self)
        @Sendable func poll() {
            let starting = all.contains { $0.initializeResult == nil && $0.status.phase == .starting }
            if !starting || NIODeadline.now() >= deadline {
                promise.succeed()
            } else {
                loop.scheduleTask(in: .milliseconds(25)) { poll() }
            }
        }
        poll()
        return promise.futureResult
    }

    /// A server offers a list when its capabilities say so; one never seen up yet is asked
    /// anyway, so its absence shows up as a gap rather than silently.
    func offer(_ kind: ListKind) -> [UpstreamServer] {
        all.filter { server in
            guard let result = server.initializeResult else { return true }
            return result["capabilities"]?[kind.capability] != nil
        }
    }
}

package import Logging
package import NIOCore
import NIOPosix
import Synchronization

/// One connection pool per event loop for an upstream. A request is sent from the loop of
/// the client connection that made it and its answer is read on that same loop, so a call
/// crosses no thread: no `execute` hop out, no eventfd wake-up back (STYLE.md, "Two planes").
/// The home pool serves callers off any event loop and the long-lived streams.
package final class UpstreamHTTPClientSet: Sendable {
    package let home: UpstreamHTTPClient
    private let configuration: UpstreamHTTPClient.Configuration
    private let logger: Logger
    private let perLoop = Mutex<(clients: [ObjectIdentifier: UpstreamHTTPClient], isShutDown: Bool)>(([:], false))

    package init(configuration: UpstreamHTTPClient.Configuration, home eventLoop: any EventLoop, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.home = UpstreamHTTPClient(configuration: configuration, eventLoop: eventLoop, logger: logger)
    }

    /// The pool of the calling thread's event loop, or the home pool.
    package func forCurrentLoop() -> UpstreamHTTPClient {
        guard let loop = MultiThreadedEventLoopGroup.currentEventLoop, !(loop === home.eventLoop) else { return home }
        let id = ObjectIdentifier(loop)
        return perLoop.withLock { state in
            if let client = state.clients[id] { return client }
            guard !state.isShutDown else { return home }
            let client = UpstreamHTTPClient(configuration: configuration, eventLoop: loop, logger: logger)
            state.clients[id] = client
            return client
        }
    }

    package func shutdown() -> EventLoopFuture<Void> {
        let clients = perLoop.withLock { state -> [UpstreamHTTPClient] in
            state.isShutDown = true
            return Array(state.clients.values)
        }
        let all = [home.shutdown()] + clients.map { $0.shutdown() }
        return EventLoopFuture.andAllComplete(all, on: home.eventLoop)
    }
}

import Logging
import NIOCore
import Synchronization

/// One server's client-credentials token: held under a short lock and handed out
/// synchronously while it is usable; fetched without blocking any event loop when there is
/// none (the request then waits on a future), and refreshed in the background shortly before
/// it expires. The timing rules are `ClientCredentialsTokenState`'s.
final class ClientCredentialsTokenSource: Sendable {
    enum Lookup {
        case ready(String)
        case pending(EventLoopFuture<String>)
        case failed(UpstreamCredentialError)
    }

    private struct State {
        var machine = ClientCredentialsTokenState()
        /// Requests waiting for the fetch in flight.
        var waiters: [EventLoopPromise<String>] = []
    }

    private let endpoint: TokenEndpointClient
    private let now: @Sendable () -> NIODeadline
    private let logger: Logger
    private let state = Mutex(State())

    init(endpoint: TokenEndpointClient, logger: Logger, now: @escaping @Sendable () -> NIODeadline) {
        self.endpoint = endpoint
        self.logger = logger
        self.now = now
    }

    /// The token to send now, or a future for the one being fetched (completed on `loop`).
    func token(on loop: any EventLoop) -> Lookup {
        enum Next {
            case use(String, refresh: Bool)
            case wait(EventLoopPromise<String>, fetch: Bool)
            case fail(String)
        }
        let time = now()
        let next = state.withLock { state -> Next in
            switch state.machine.next(now: time) {
            case .use(let value): return .use(value, refresh: false)
            case .useAndRefresh(let value): return .use(value, refresh: true)
            case .fail(let reason): return .fail(reason)
            case .wait:
                let promise = loop.makePromise(of: String.self)
                state.waiters.append(promise)
                return .wait(promise, fetch: false)
            case .fetchAndWait:
                let promise = loop.makePromise(of: String.self)
                state.waiters.append(promise)
                return .wait(promise, fetch: true)
            }
        }
        switch next {
        case .use(let value, let refresh):
            if refresh { fetch() }
            return .ready(value)
        case .wait(let promise, let start):
            if start { fetch() }
            return .pending(promise.futureResult)
        case .fail(let reason):
            return .failed(.tokenUnavailable(host: endpoint.host, reason: reason))
        }
    }

    /// The server refused `value` with 401: drop it, unless a newer token replaced it already
    /// (nil: whichever is held).
    func rejected(_ value: String?) {
        state.withLock { $0.machine.rejected(value) }
    }

    private func fetch() {
        let startedAt = now()
        logger.debug("fetching an upstream token", metadata: ["switchboard.token_host": "\(endpoint.host)"])
        endpoint.fetch().whenComplete { result in
            let finishedAt = self.now()
            let waiters = self.state.withLock { state -> [EventLoopPromise<String>] in
                switch result {
                case .success(let token): state.machine.fetched(token.value, lifetime: token.lifetime, startedAt: startedAt)
                case .failure(let error): state.machine.fetchFailed(Self.reason(error), now: finishedAt)
                }
                defer { state.waiters.removeAll() }
                return state.waiters
            }
            switch result {
            case .success(let token):
                self.logger.debug(
                    "upstream token obtained",
                    metadata: ["switchboard.token_host": "\(self.endpoint.host)", "switchboard.expires_in_s": "\(token.lifetime.map { $0.nanoseconds / 1_000_000_000 } ?? -1)"]
                )
                for waiter in waiters { waiter.succeed(token.value) }
            case .failure(let error):
                let failure = UpstreamCredentialError.tokenUnavailable(host: self.endpoint.host, reason: Self.reason(error))
                self.logger.warning("could not obtain an upstream token", metadata: ["switchboard.error": "\(failure)"])
                for waiter in waiters { waiter.fail(failure) }
            }
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as? TokenEndpointProblem)?.description ?? "the request failed"
    }
}

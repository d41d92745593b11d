import NIOCore

/// When a client-credentials token is fetched, used, refreshed and dropped; pure, held in a
/// lock by `ClientCredentialsTokenSource`, which does the fetching.
///
/// A token with lifetime L is used until `L - margin`, with margin = min(60 s, L / 10), and
/// from `L - 2 × margin` on, the first request to see it starts a refresh in the background
/// while it keeps using it. One fetch at a time: requests that find no usable token wait for
/// the fetch in flight. A failed fetch leaves a usable token in use; with none, requests fail
/// at once with the fetch's reason until the retry delay (1 s, doubling to 30 s) has passed,
/// so an authorization server that is down is not hammered by every request. A token without
/// `expires_in` is used until the server refuses it.
struct ClientCredentialsTokenState {
    struct Token: Equatable {
        var value: String
        /// From here on a request starts a background refresh; nil for no expiry.
        var refreshAt: NIODeadline?
        /// Not used from here on; nil for no expiry.
        var usableUntil: NIODeadline?
    }

    enum Decision: Equatable {
        case use(String)
        /// Use the token and start a fetch, whose result nobody waits for.
        case useAndRefresh(String)
        /// Wait for the fetch in flight.
        case wait
        /// Start a fetch and wait for it.
        case fetchAndWait
        /// No token, and the last fetch failed recently: fail with its reason.
        case fail(String)
    }

    static let maxMargin = TimeAmount.seconds(60)
    static let initialRetryDelay = TimeAmount.seconds(1)
    static let maxRetryDelay = TimeAmount.seconds(30)

    private(set) var token: Token?
    private(set) var fetching = false
    private var failure: (reason: String, retryAt: NIODeadline)?
    private var consecutiveFailures = 0

    mutating func next(now: NIODeadline) -> Decision {
        if let token, token.usableUntil.map({ now < $0 }) ?? true {
            guard let refreshAt = token.refreshAt, now >= refreshAt, !fetching, !inRetryDelay(now) else { return .use(token.value) }
            fetching = true
            return .useAndRefresh(token.value)
        }
        if fetching { return .wait }
        if let failure, now < failure.retryAt { return .fail(failure.reason) }
        fetching = true
        return .fetchAndWait
    }

    /// A fetch started at `startedAt` got a token valid for `lifetime` (nil: no `expires_in`).
    mutating func fetched(_ value: String, lifetime: TimeAmount?, startedAt: NIODeadline) {
        fetching = false
        failure = nil
        consecutiveFailures = 0
        guard let lifetime else {
            token = Token(value: value, refreshAt: nil, usableUntil: nil)
            return
        }
        // Counted from the request, not the answer: the server's clock started no later.
        let margin = min(Self.maxMargin, .nanoseconds(max(lifetime.nanoseconds, 0) / 10))
        let usableUntil = startedAt + lifetime - margin
        token = Token(value: value, refreshAt: usableUntil - margin, usableUntil: usableUntil)
    }

    mutating func fetchFailed(_ reason: String, now: NIODeadline) {
        fetching = false
        consecutiveFailures += 1
        let doubled = Self.initialRetryDelay.nanoseconds << Int64(min(consecutiveFailures - 1, 10))
        failure = (reason, now + .nanoseconds(min(doubled, Self.maxRetryDelay.nanoseconds)))
    }

    /// The server answered 401 to a request that carried `value`: that token is done. A newer
    /// one, fetched meanwhile for another request's 401, stays. Nil drops whichever is held.
    mutating func rejected(_ value: String?) {
        if value == nil || token?.value == value { token = nil }
    }

    private func inRetryDelay(_ now: NIODeadline) -> Bool {
        failure.map { now < $0.retryAt } ?? false
    }
}

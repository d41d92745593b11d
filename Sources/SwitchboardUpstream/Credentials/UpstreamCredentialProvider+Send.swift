package import NIOCore
package import NIOHTTP1

extension UpstreamCredentialProvider {
    /// Runs `attempt` (one request) with the credential headers, once they are known.
    ///
    /// A 401 to a client-credentials token drops that token and runs `attempt` once more with
    /// a fresh one. Sending twice is safe here: a 401 means the server refused the request
    /// before acting on it. A second 401 is the answer.
    package func send(
        callerToken: String?,
        on loop: any EventLoop,
        _ attempt: @escaping @Sendable (HTTPHeaders) -> EventLoopFuture<Void>
    ) -> EventLoopFuture<Void> {
        run(callerToken: callerToken, on: loop, retrying: renewsOnUnauthorized, attempt)
    }

    /// Calls `body` with the headers at once when they are ready, else once they are (on
    /// `loop`); a failure to get them is reported to `failed` instead.
    package func withHeaders(
        callerToken: String?,
        on loop: any EventLoop,
        _ body: @escaping @Sendable (HTTPHeaders) -> Void,
        failed: @escaping @Sendable (any Error) -> Void
    ) {
        switch authorization(callerToken: callerToken, on: loop) {
        case .ready(let headers):
            body(headers)
        case .pending(let future):
            future.hop(to: loop).whenComplete { result in
                switch result {
                case .success(let headers): body(headers)
                case .failure(let error): failed(error)
                }
            }
        case .failed(let error):
            failed(error)
        }
    }

    private func run(
        callerToken: String?,
        on loop: any EventLoop,
        retrying: Bool,
        _ attempt: @escaping @Sendable (HTTPHeaders) -> EventLoopFuture<Void>
    ) -> EventLoopFuture<Void> {
        let headers: EventLoopFuture<HTTPHeaders>
        switch authorization(callerToken: callerToken, on: loop) {
        case .ready(let ready):
            return attemptOnce(ready, callerToken: callerToken, on: loop, retrying: retrying, attempt)
        case .pending(let future):
            headers = future.hop(to: loop)
        case .failed(let error):
            return loop.makeFailedFuture(error)
        }
        return headers.flatMap { ready in
            self.attemptOnce(ready, callerToken: callerToken, on: loop, retrying: retrying, attempt)
        }
    }

    private func attemptOnce(
        _ headers: HTTPHeaders,
        callerToken: String?,
        on loop: any EventLoop,
        retrying: Bool,
        _ attempt: @escaping @Sendable (HTTPHeaders) -> EventLoopFuture<Void>
    ) -> EventLoopFuture<Void> {
        let sent = attempt(headers)
        guard retrying else { return sent }
        return sent.flatMapError { error in
            if case UpstreamTransportError.insufficientScope(let scopes)? = error as? UpstreamTransportError {
                self.insufficientScope(scopes, sent: headers)
                return loop.makeFailedFuture(error)
            }
            guard case UpstreamTransportError.httpStatus(401, _)? = error as? UpstreamTransportError else {
                return loop.makeFailedFuture(error)
            }
            self.unauthorized(sent: headers)
            return self.run(callerToken: callerToken, on: loop, retrying: false, attempt)
        }
    }
}

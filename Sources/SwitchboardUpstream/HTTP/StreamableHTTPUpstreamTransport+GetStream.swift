import Logging
import NIOCore
import NIOHTTP1
import SwitchboardCore
import Synchronization

/// The GET side of Streamable HTTP: the shared stream for server-initiated messages, and
/// resumption of POST streams that ended early.
extension StreamableHTTPUpstreamTransport {
    /// How often a POST stream is resumed before the request is left to its timeout.
    static let maxPostStreamResumptions = 3

    func openGetStream(generation: UInt64) {
        guard let credentials else { return openGetStream(generation: generation, credentialHeaders: nil) }
        credentials.withHeaders(callerToken: nil, on: eventLoop) { headers in
            self.openGetStream(generation: generation, credentialHeaders: headers)
        } failed: { error in
            self.logger.debug("upstream GET stream has no credentials", metadata: ["switchboard.error": "\(error)"])
            self.sharedStreamEnded(generation: generation, outcome: .pending, madeProgress: false)
        }
    }

    private func openGetStream(generation: UInt64, credentialHeaders: HTTPHeaders?) {
        let snapshot = state.withLock { state -> (String?, String?, String?)? in
            guard !state.closed, state.generation == generation else { return nil }
            switch state.getStream {
            case .notStarted, .waiting: return (state.sessionID, state.protocolVersion, state.lastEventID)
            case .open, .stopped: return nil
            }
        }
        guard let (sessionID, protocolVersion, lastEventID) = snapshot else { return }
        let response = StreamableHTTPEventStreamResponse(transport: self, purpose: .shared(generation: generation))
        let request = eventStreamRequest(sessionID: sessionID, protocolVersion: protocolVersion, lastEventID: lastEventID, credentialHeaders: credentialHeaders)
        let stream = client.openStream(request, delegate: response)
        let current = state.withLock { state -> Bool in
            guard !state.closed, state.generation == generation else { return false }
            state.getStream = .open(stream)
            return true
        }
        if !current { stream.cancel() }
    }

    func eventStreamRequest(sessionID: String?, protocolVersion: String?, lastEventID: String?, credentialHeaders: HTTPHeaders?) -> UpstreamHTTPRequest {
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: UpstreamHTTPHeaders.eventStream)
        if let lastEventID { headers.add(name: UpstreamHTTPHeaders.lastEventID, value: lastEventID) }
        addSessionHeaders(&headers, sessionID: sessionID, protocolVersion: protocolVersion)
        return target.request(.GET, headers: headers, credentialHeaders: credentialHeaders, readTimeout: nil)
    }

    /// Records an event id and `retry:` read on the shared stream.
    func sharedStreamPosition(generation: UInt64, lastEventID: String?, retryMilliseconds: Int?) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if let lastEventID { state.lastEventID = lastEventID.isEmpty ? nil : lastEventID }
            if let retryMilliseconds { state.serverRetry = .milliseconds(Int64(retryMilliseconds)) }
        }
    }

    /// The shared GET stream ended; decides whether and when to open it again.
    func sharedStreamEnded(generation: UInt64, outcome: StreamableHTTPEventStreamResponse.Outcome, madeProgress: Bool) {
        enum Next { case nothing, stop(String), retry(TimeAmount) }
        let next = state.withLock { state -> Next in
            guard !state.closed, state.generation == generation else { return .nothing }
            switch outcome {
            case .unsupported:
                state.getStream = .stopped
                return .stop("upstream offers no GET stream")
            case .refused(401) where credentials?.renewsOnUnauthorized == true:
                // The token ran out or was revoked: the next attempt fetches a new one.
                credentials?.unauthorized(sent: nil)
                fallthrough
            case .pending, .streaming, .failed:
                if madeProgress { state.failedAttempts = 0 }
                state.failedAttempts += 1
                guard state.failedAttempts <= backoff.attempts else {
                    state.getStream = .stopped
                    return .stop("upstream GET stream keeps failing; giving up")
                }
                let exponential = backoff.initial.nanoseconds << Int64(min(state.failedAttempts - 1, 20))
                let delay = state.serverRetry ?? .nanoseconds(min(exponential, backoff.max.nanoseconds))
                return .retry(delay)
            case .refused(let code):
                state.getStream = .stopped
                return .stop("upstream refused the GET stream with HTTP \(code)")
            }
        }
        switch next {
        case .nothing:
            return
        case .stop(let reason):
            logger.debug("upstream GET stream stopped", metadata: ["switchboard.reason": "\(reason)"])
        case .retry(let delay):
            let task = eventLoop.scheduleTask(in: delay) { self.openGetStream(generation: generation) }
            let current = state.withLock { state -> Bool in
                guard !state.closed, state.generation == generation else { return false }
                state.getStream = .waiting(task)
                return true
            }
            if !current { task.cancel() }
        }
    }

    /// Resumes a POST's event stream that ended before its response (spec 2025-11-25: always
    /// by GET with `Last-Event-ID`), after the server's `retry:` if it gave one.
    func resumePostStream(correlation: UInt64, lastEventID: String, retryMilliseconds: Int?, attempt: Int) {
        guard attempt <= Self.maxPostStreamResumptions else {
            logger.debug("upstream POST stream not resumed again", metadata: ["switchboard.attempts": "\(attempt - 1)"])
            return
        }
        let delay = retryMilliseconds.map { TimeAmount.milliseconds(Int64($0)) } ?? backoff.initial
        eventLoop.scheduleTask(in: delay) {
            let snapshot = self.state.withLock { state in state.closed ? nil : (state.sessionID, state.protocolVersion) }
            guard let (sessionID, protocolVersion) = snapshot else { return }
            let resume: @Sendable (HTTPHeaders?) -> Void = { credentialHeaders in
                let response = StreamableHTTPEventStreamResponse(
                    transport: self,
                    purpose: .resumedPost(correlation: correlation, lastEventID: lastEventID, attempt: attempt)
                )
                _ = self.client.openStream(
                    self.eventStreamRequest(sessionID: sessionID, protocolVersion: protocolVersion, lastEventID: lastEventID, credentialHeaders: credentialHeaders),
                    delegate: response
                )
            }
            guard let credentials = self.credentials else { return resume(nil) }
            // Left to the request's timeout when no credentials can be had, as when resuming fails.
            credentials.withHeaders(callerToken: self.callerToken(for: correlation), on: self.eventLoop, resume, failed: { _ in })
        }
    }
}

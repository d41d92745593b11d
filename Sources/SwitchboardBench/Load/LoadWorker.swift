import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive connection of a load run, confined to its event loop: sends a request when
/// the previous one is answered (closed loop) or when the schedule says (open loop), reads the
/// answer, records it, and replaces the connection after a failure or a timeout.
final class LoadWorker {
    private struct InFlight {
        let id: Int
        let intended: NIODeadline
        var answered = false
    }

    private let plan: LoadPlan
    private let index: Int
    private let loop: any EventLoop
    private let recorder: LoadRecorder
    private let sessions: [Int]
    private let done: EventLoopPromise<Void>

    private var timing: LoadTiming?
    private var schedule: RateSchedule?
    private var sequence = 0
    private var finished = false

    private var channel: (any Channel)?
    private var connecting = false
    /// Succeeded when the first connection attempt ends, however it ends.
    private var firstConnect: EventLoopPromise<Void>?
    /// A request that came due while no connection was open.
    private var queued: NIODeadline?
    private var pendingSend: Scheduled<Void>?

    private var inFlight: InFlight?
    private var reader: MCPAnswerReader?
    private var keepAlive = true

    /// One timer serves every request's timeout: it is moved lazily, so a send only stores a
    /// new deadline (see `UpstreamHTTPConnectionHandler` for the same pattern).
    private var timer: Scheduled<Void>?
    private var timerFiresAt = NIODeadline.distantFuture
    private var timeoutDeadline = NIODeadline.distantFuture

    init(plan: LoadPlan, index: Int, loop: any EventLoop, recorder: LoadRecorder) {
        self.plan = plan
        self.index = index
        self.loop = loop
        self.recorder = recorder
        self.sessions = plan.sessions(forConnection: index)
        self.done = loop.makePromise()
    }

    // MARK: Phases

    /// Opens the connection; the future succeeds when the attempt ended (a failed one is retried
    /// when the first request is due).
    func open() -> EventLoopFuture<Void> {
        let promise = loop.makePromise(of: Void.self)
        firstConnect = promise
        connect()
        return promise.futureResult
    }

    /// Runs until the schedule ends; the future succeeds when this connection is done.
    func run(_ timing: LoadTiming) -> EventLoopFuture<Void> {
        self.timing = timing
        if let rate = plan.rate {
            schedule = RateSchedule(rate: rate, connections: plan.connections, index: index, start: timing.start)
        }
        loop.assumeIsolated().scheduleTask(deadline: timing.start) { self.next() }
        return done.futureResult
    }

    /// Ends the run for this connection; a request still unanswered counts as an error.
    func finish() {
        guard !finished else { return }
        finished = true
        pendingSend?.cancel()
        timer?.cancel()
        if let flight = inFlight, !flight.answered { record(.failure("no answer by the end of the run"), for: flight) }
        inFlight = nil
        dropConnection()
        done.succeed()
    }

    // MARK: Sending

    private func next() {
        guard let timing, !finished else { return }
        let now = NIODeadline.now()
        guard var schedule else {
            if now >= timing.measureEnd { return finish() }
            return send(intended: now)
        }
        if now >= timing.drainEnd {
            let missed = schedule.remaining(from: timing.measureStart, to: timing.measureEnd)
            if missed > 0 {
                recorder.tally.recordError("\(missed) requests not sent before the drain ended: the rate was not sustained", count: missed, at: now)
            }
            return finish()
        }
        let intended = schedule.next()
        self.schedule = schedule
        if intended >= timing.measureEnd { return finish() }
        if intended > now {
            pendingSend = loop.assumeIsolated().scheduleTask(deadline: intended) {
                self.pendingSend = nil
                self.send(intended: intended)
            }
        } else {
            send(intended: intended)
        }
    }

    private func send(intended: NIODeadline) {
        guard !finished else { return }
        guard let channel else {
            queued = intended
            return connect()
        }
        sequence += 1
        // Unique across connections, increasing on each.
        let id = (sequence - 1) * plan.connections + index + 1
        let session = sessions[sequence % sessions.count]
        let request = plan.encoder.request(id: id, session: session, allocator: channel.allocator)
        inFlight = InFlight(id: id, intended: intended)
        reader = nil
        recorder.tally.sent += 1
        channel.write(RawRequestWriter.standInHead, promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.body(.byteBuffer(request)), promise: nil)
        armTimeout(.now() + plan.requestTimeout)
    }

    // MARK: Receiving

    func received(_ part: HTTPClientResponsePart) {
        guard let flight = inFlight else { return }
        switch part {
        case .head(let head):
            guard head.status.code >= 200 else { return }
            reader = MCPAnswerReader(head: head, expectedID: flight.id, plain: plan.plainAnswers)
            keepAlive = head.isKeepAlive
        case .body(let bytes):
            if let outcome = reader?.feed(bytes) { answer(outcome) }
        case .end:
            if !flight.answered { answer(reader?.finish() ?? .failure("HTTP response without a head")) }
            inFlight = nil
            reader = nil
            if !keepAlive { dropConnection() }
            next()
        }
    }

    private func answer(_ outcome: MCPAnswerOutcome) {
        guard var flight = inFlight, !flight.answered else { return }
        flight.answered = true
        inFlight = flight
        record(outcome, for: flight)
    }

    private func record(_ outcome: MCPAnswerOutcome, for flight: InFlight) {
        guard let timing, timing.isMeasured(flight.intended) else { return }
        let now = NIODeadline.now()
        if let error = outcome.errorText {
            recorder.tally.recordError(error, at: now)
        } else if case .response(let result) = outcome, let problem = plan.resultCheck.problem(in: result) {
            recorder.tally.recordError(problem, at: now)
        } else {
            recorder.tally.recordSuccess(latency: now - flight.intended, at: now)
        }
    }

    // MARK: Connection

    private func connect() {
        guard channel == nil, !connecting, !finished else { return }
        connecting = true
        let worker = NIOLoopBound(self, eventLoop: loop)
        ClientBootstrap(group: loop)
            .connectTimeout(plan.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        RawRequestWriter(),
                        ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)),
                        LoadChannelHandler(worker: worker.value),
                    ])
                }
            }
            .connect(host: plan.url.host, port: plan.url.port)
            .hop(to: loop)
            .assumeIsolated()
            .whenComplete { result in self.connected(result) }
    }

    private func connected(_ result: Result<any Channel, any Error>) {
        connecting = false
        firstConnect?.succeed()
        firstConnect = nil
        switch result {
        case .success(let channel):
            guard !finished else { return channel.close(promise: nil) }
            self.channel = channel
            if let queued {
                self.queued = nil
                send(intended: queued)
            }
        case .failure(let error):
            guard let queued, !finished else { return }
            self.queued = nil
            record(.failure("cannot connect to \(plan.url.authority): \(error)"), for: InFlight(id: 0, intended: queued))
            // The request is lost; the next is tried after a pause, not in a tight loop.
            loop.assumeIsolated().scheduleTask(in: .milliseconds(100)) { self.next() }
        }
    }

    func connectionClosed(_ closed: any Channel) {
        guard closed === channel else { return }
        channel = nil
        guard !finished, let flight = inFlight else { return }
        if !flight.answered { answer(.failure("connection closed before the answer")) }
        inFlight = nil
        reader = nil
        // A server that closes on every request should not be hammered in a tight loop.
        loop.assumeIsolated().scheduleTask(in: .milliseconds(10)) { self.next() }
    }

    /// Closes the current connection without treating the close as a failure.
    private func dropConnection() {
        let old = channel
        channel = nil
        old?.close(promise: nil)
    }

    // MARK: Timeout

    private func armTimeout(_ deadline: NIODeadline) {
        timeoutDeadline = deadline
        if timer != nil, timerFiresAt <= deadline { return }
        timer?.cancel()
        timerFiresAt = deadline
        timer = loop.assumeIsolated().scheduleTask(deadline: deadline) { self.timerFired() }
    }

    private func timerFired() {
        timer = nil
        guard let flight = inFlight, !finished else { return }
        if NIODeadline.now() < timeoutDeadline { return armTimeout(timeoutDeadline) }
        if !flight.answered { answer(.failure("no answer within \(plan.requestTimeout.nanoseconds / 1_000_000_000) s")) }
        inFlight = nil
        reader = nil
        dropConnection()
        next()
    }
}

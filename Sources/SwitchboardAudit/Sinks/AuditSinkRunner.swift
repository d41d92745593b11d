import Dispatch
import Foundation
package import Logging
import Metrics
import Synchronization

/// Feeds one sink from the journal on a thread of its own: reads what was written after the
/// sink's cursor, delivers it in batches, moves the cursor; when a delivery fails, offers the
/// same batch again after a back-off (1 s doubling to `maxBackoff`) until it goes through.
/// Nothing it does reaches a call: its lag grows in the journal, which is the spool.
///
/// `pass()` is one round, synchronous, which is how tests drive it; `start` runs rounds every
/// `pollInterval` until `stop`, which makes one last round so a graceful stop leaves the sink
/// caught up with the journal's last records.
package final class AuditSinkRunner: Sendable {
    package struct Options: Sendable {
        package var pollInterval: Duration
        package var batch: Int
        package var maxBackoff: Duration

        package init(pollInterval: Duration = .milliseconds(250), batch: Int = 500, maxBackoff: Duration = .seconds(30)) {
            self.pollInterval = pollInterval
            self.batch = batch
            self.maxBackoff = maxBackoff
        }
    }

    /// Where the sink stands, for the admin API and the logs.
    package struct Status: Sendable, Equatable {
        package var name: String
        /// The seq of the last record delivered.
        package var cursor: UInt64 = 0
        /// Records written to the journal and not delivered yet.
        package var lag: UInt64 = 0
        package var delivered = 0
        package var failures = 0
        /// Records the journal no longer had when the sink came to them.
        package var skipped: UInt64 = 0
        package var lastError: String?
    }

    package enum Outcome: Equatable, Sendable {
        case idle
        case delivered(Int)
        case failed(String)
    }

    package let sink: any AuditSink
    private let options: Options
    private let directory: String
    private let head: @Sendable () -> UInt64
    /// The last seq on disk: records past it wait (nil: read all, the journal is not being written).
    private let readable: (@Sendable () -> UInt64)?
    private let logger: Logger
    private let cursorFile: AuditCursorFile?

    private struct State: @unchecked Sendable {
        // The reader and the pending batch are touched by one round at a time (`round` lock).
        var reader: AuditReader?
        var pending: [AuditEntry] = []
        var status: Status
        var stopping = false
        var thread: Thread?
        /// The sink keeps its own cursor (no file).
        var holdsCursor = false
        /// When the cursor file was last written, and a seq delivered since and not written.
        var cursorWritten: ContinuousClock.Instant?
        var unwrittenCursor: UInt64?
    }

    private let state: Mutex<State>
    private let round = Mutex(())
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let lag: Gauge
    private let errors: Counter
    private let records: Counter

    /// `head` is the journal's last seq (its writer's, or 0 when only reading).
    package init(
        sink: any AuditSink, directory: String, head: @escaping @Sendable () -> UInt64, readable: (@Sendable () -> UInt64)? = nil, logger: Logger,
        options: Options = Options()
    ) {
        self.readable = readable
        self.sink = sink
        self.options = options
        self.directory = directory
        self.head = head
        self.logger = logger
        cursorFile = AuditCursorFile(journal: directory, sink: sink.name)
        state = Mutex(State(status: Status(name: sink.name)))
        let labels = [("sink", sink.name)]
        lag = Gauge(label: "switchboard_audit_sink_lag_records", dimensions: labels)
        errors = Counter(label: "switchboard_audit_sink_errors_total", dimensions: labels)
        records = Counter(label: "switchboard_audit_sink_records_total", dimensions: labels)
    }

    package var status: Status { state.withLock { $0.status } }

    /// One round: the pending batch again, or the next one from the journal.
    @discardableResult
    package func pass() -> Outcome {
        round.withLock { _ in
            let outcome = deliverNext()
            let written = head()
            let lagging = state.withLock { state in
                state.status.lag = written > state.status.cursor ? written - state.status.cursor : 0
                return state.status.lag
            }
            lag.record(Int64(clamping: lagging))
            return outcome
        }
    }

    private func deliverNext() -> Outcome {
        var batch = state.withLock { $0.pending }
        do {
            if batch.isEmpty {
                let reader = try currentReader()
                let before = (reader.skipped, reader.unreadable)
                batch = try reader.next(limit: options.batch, upTo: readable?() ?? .max)
                if reader.skipped > before.0 {
                    logger.warning("audit records missing from the journal were skipped", metadata: [
                        "switchboard.audit_sink": "\(sink.name)", "switchboard.audit_skipped": "\(reader.skipped - before.0)",
                    ])
                }
                if reader.unreadable > before.1 {
                    logger.error("audit journal lines that are not records were skipped (run switchboard audit verify)", metadata: [
                        "switchboard.audit_sink": "\(sink.name)", "switchboard.audit_unreadable": "\(reader.unreadable - before.1)",
                    ])
                }
                state.withLock {
                    $0.status.skipped = reader.skipped
                    $0.pending = batch
                }
                if batch.isEmpty {
                    try sink.idle()
                    return .idle
                }
            }
            try sink.deliver(batch)
            let last = batch[batch.count - 1].seq
            do {
                try keepCursor(last)
            } catch {
                // Delivered all the same: the batch is not sent again; the file is retried with
                // the next delivery (a restart meanwhile delivers again from the old cursor).
                state.withLock { $0.unwrittenCursor = last }
                logger.warning("audit sink cursor not saved", metadata: ["switchboard.audit_sink": "\(sink.name)", "error.message": "\(error)"])
            }
            state.withLock {
                $0.pending = []
                $0.status.cursor = last
                $0.status.delivered += batch.count
                $0.status.lastError = nil
            }
            records.increment(by: batch.count)
            return .delivered(batch.count)
        } catch {
            let text = "\(error)"
            let failures = state.withLock {
                $0.status.failures += 1
                $0.status.lastError = text
                return $0.status.failures
            }
            errors.increment()
            logger.warning("audit sink delivery failed; the records wait in the journal", metadata: [
                "switchboard.audit_sink": "\(sink.name)", "error.message": "\(text)", "switchboard.audit_pending": "\(batch.count)",
                "switchboard.audit_failures": "\(failures)",
            ])
            return .failed(text)
        }
    }

    /// Keeps `seq` in the cursor file, for sinks that do not hold their own, at most once a
    /// second (and on stop): after a crash the second before is offered again, which at
    /// least once allows, and the file is not rewritten for every batch.
    private func keepCursor(_ seq: UInt64, force: Bool = false) throws(AuditFailure) {
        guard let cursorFile, state.withLock({ !$0.holdsCursor }) else { return }
        let now = ContinuousClock.now
        let due = state.withLock { state -> Bool in
            guard force || state.cursorWritten.map({ now - $0 >= .seconds(1) }) ?? true else {
                state.unwrittenCursor = seq
                return false
            }
            state.cursorWritten = now
            state.unwrittenCursor = nil
            return true
        }
        if due { try cursorFile.write(seq) }
    }

    /// The reader, made on the first round from where the sink left off.
    private func currentReader() throws -> AuditReader {
        if let reader = state.withLock({ $0.reader }) { return reader }
        let held = try sink.heldCursor()
        let cursor = try held ?? (cursorFile?.read() ?? 0)
        let reader = AuditReader(directory: directory, after: cursor)
        state.withLock {
            $0.reader = reader
            $0.status.cursor = cursor
            $0.holdsCursor = held != nil
        }
        return reader
    }

    /// Starts the rounds on a thread of their own.
    package func start() {
        let thread = Thread { [self] in run() }
        thread.name = "switchboard-audit-sink-\(sink.name)"
        state.withLock { $0.thread = thread }
        thread.start()
    }

    /// Stops the rounds after one last one (without back-off), and waits for them; the cursor
    /// file then holds the last seq delivered.
    package func stop() {
        let started = state.withLock {
            $0.stopping = true
            return $0.thread != nil
        }
        guard started else {
            if let seq = state.withLock({ $0.unwrittenCursor }) { try? keepCursor(seq, force: true) }
            return
        }
        wake.signal()
        finished.wait()
        sink.close()
    }

    private func run() {
        var backoff: Duration = .seconds(1)
        while !state.withLock({ $0.stopping }) {
            let outcome = pass()
            let pause: Duration
            switch outcome {
            case .delivered(let count):
                backoff = .seconds(1)
                // A full batch: more are waiting. Else the next poll gathers a batch's worth,
                // rather than a round (and a transaction, a request) per few records.
                if count >= options.batch { continue }
                pause = options.pollInterval
            case .idle:
                pause = options.pollInterval
            case .failed:
                pause = backoff
                backoff = min(backoff * 2, options.maxBackoff)
            }
            _ = wake.wait(timeout: .now() + .nanoseconds(Int(pause / .nanoseconds(1))))
        }
        // The last rounds: what the journal got while the gateway stopped (bounded, so a
        // sink that is down or far behind does not hold the stop up).
        for _ in 0..<20 {
            guard case .delivered = pass() else { break }
        }
        if let seq = state.withLock({ $0.unwrittenCursor }) { try? keepCursor(seq, force: true) }
        finished.signal()
    }
}

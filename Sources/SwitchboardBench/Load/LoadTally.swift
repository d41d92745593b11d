import Histogram
import NIOCore

/// What a part of a load run counted; tallies of all event loops merge into the report.
struct LoadTally: Sendable {
    /// Latencies of successful requests in microseconds; values past the top are clamped.
    var latency = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: Self.maxLatencyMicros, numberOfSignificantValueDigits: .three)
    /// Successful requests recorded (intended inside the measured window).
    var requests = 0
    /// Failed requests recorded.
    var errors = 0
    /// Every request sent, warm-up included: the denominator for the client's CPU cost.
    var sent = 0
    var firstError: String?
    var firstErrorAt: NIODeadline?
    /// When the last recorded request ended: past the window's end when answers trail it, or
    /// long past it when an open loop fell behind its rate.
    var lastRecordedAt: NIODeadline?

    static let maxLatencyMicros: UInt64 = 120_000_000

    mutating func recordSuccess(latency: TimeAmount, at time: NIODeadline) {
        noteRecorded(at: time)
        let micros = UInt64(max(1, latency.nanoseconds / 1000))
        _ = self.latency.record(min(micros, Self.maxLatencyMicros))
        requests += 1
    }

    mutating func recordError(_ text: String, count: Int = 1, at time: NIODeadline) {
        noteRecorded(at: time)
        errors += count
        if firstErrorAt == nil || time < firstErrorAt! {
            firstError = text
            firstErrorAt = time
        }
    }

    private mutating func noteRecorded(at time: NIODeadline) {
        if lastRecordedAt == nil || time > lastRecordedAt! { lastRecordedAt = time }
    }

    mutating func merge(_ other: LoadTally) {
        if let at = other.lastRecordedAt { noteRecorded(at: at) }
        latency.add(other.latency)
        requests += other.requests
        errors += other.errors
        sent += other.sent
        if let at = other.firstErrorAt, let text = other.firstError, firstErrorAt == nil || at < firstErrorAt! {
            firstError = text
            firstErrorAt = at
        }
    }
}

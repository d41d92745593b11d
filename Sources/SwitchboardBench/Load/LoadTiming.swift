import NIOCore

/// The phases of one load run, fixed once every connection is open.
struct LoadTiming: Sendable {
    /// First send (warm-up begins).
    var start: NIODeadline
    /// Requests intended from here on are recorded.
    var measureStart: NIODeadline
    /// No request intended from here on is sent.
    var measureEnd: NIODeadline
    /// An open-loop run still catching up on its backlog stops here; so does waiting for the
    /// last answers. Unsent requests count as errors.
    var drainEnd: NIODeadline

    init(start: NIODeadline, warmup: TimeAmount, duration: TimeAmount, drain: TimeAmount) {
        self.start = start
        measureStart = start + warmup
        measureEnd = measureStart + duration
        drainEnd = measureEnd + drain
    }

    func isMeasured(_ intended: NIODeadline) -> Bool {
        intended >= measureStart && intended < measureEnd
    }
}

import Synchronization

/// Wall-clock seconds since 1970 that move only when a test says so.
final class ManualClock: Sendable {
    private let time: Mutex<Double>

    init(_ start: Double = 1_700_000_000) {
        time = Mutex(start)
    }

    var now: Double { time.withLock { $0 } }

    var function: @Sendable () -> Double { { self.now } }

    func advance(by seconds: Double) {
        time.withLock { $0 += seconds }
    }
}

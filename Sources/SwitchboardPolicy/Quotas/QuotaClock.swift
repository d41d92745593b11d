#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Time as quotas need it: a monotonic clock for token buckets (immune to wall-clock steps) and
/// the wall clock for the UTC day that daily budgets count in. Injected so tests step time.
public protocol QuotaClock: Sendable {
    /// Nanoseconds on a monotonic clock; only differences are used.
    var monotonicNanoseconds: Int64 { get }
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    var wallClockNanoseconds: Int64 { get }
}

/// The process's clocks.
public struct SystemQuotaClock: QuotaClock {
    private let origin: ContinuousClock.Instant

    public init() {
        origin = ContinuousClock.now
    }

    public var monotonicNanoseconds: Int64 {
        let (seconds, attoseconds) = origin.duration(to: ContinuousClock.now).components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    public var wallClockNanoseconds: Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}

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

/// The process's clocks, read straight from `clock_gettime` (one vDSO call each, on every
/// admitted call).
public struct SystemQuotaClock: QuotaClock {
    public init() {}

    public var monotonicNanoseconds: Int64 { Self.read(CLOCK_MONOTONIC) }

    public var wallClockNanoseconds: Int64 { Self.read(CLOCK_REALTIME) }

    private static func read(_ clock: clockid_t) -> Int64 {
        var time = timespec()
        clock_gettime(clock, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}

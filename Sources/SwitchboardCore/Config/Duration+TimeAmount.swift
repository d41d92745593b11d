public import NIOCore

extension Duration {
    /// Whole nanoseconds, saturating; durations in config are far below the limit.
    public var nanosecondCount: Int64 {
        let (seconds, attoseconds) = components
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : ns + attoseconds / 1_000_000_000
    }

    /// The same span as NIO's `TimeAmount`, for scheduling on event loops.
    public var timeAmount: TimeAmount { .nanoseconds(nanosecondCount) }
}

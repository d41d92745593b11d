/// One entry of `quotas.limits`: a counter kept per principal, tenant, tool, server or once for
/// the whole gateway, with any of a token-bucket rate, a cap on calls in flight and a daily
/// budget of cost units.
public struct QuotaLimitConfig: Sendable, Equatable {
    /// `per`: what one counter is kept for.
    public enum Per: String, Sendable, Equatable, CaseIterable {
        /// Each `Principal.id`.
        case principal
        /// Each tenant; callers without a tenant share the counter of the tenant "".
        case tenant
        /// Each federated tool name.
        case tool
        /// Each upstream server.
        case server
        /// One counter for every call the limit's filters match.
        case global
    }

    /// `id`: unique among the limits, `[A-Za-z0-9._-]+`; refusals and metrics name it.
    public var id: String
    public var per: Per
    /// Optional filters with the same meaning as a policy rule's matchers.
    public var match: CallMatchConfig
    /// `rate`: the bucket's refill; each call takes one token.
    public var rate: QuotaRate?
    /// `burst`: the bucket's size; nil means `defaultBurst(for:)`.
    public var burst: Int?
    /// `concurrency`: at most this many calls in flight per counter.
    public var concurrency: Int?
    /// `daily_budget`: cost units per counter per UTC day.
    public var dailyBudget: Int?

    public init(
        id: String,
        per: Per,
        match: CallMatchConfig = .init(),
        rate: QuotaRate? = nil,
        burst: Int? = nil,
        concurrency: Int? = nil,
        dailyBudget: Int? = nil
    ) {
        self.id = id
        self.per = per
        self.match = match
        self.rate = rate
        self.burst = burst
        self.concurrency = concurrency
        self.dailyBudget = dailyBudget
    }

    /// The bucket size in effect: `burst`, or one second's worth of tokens (at least 1).
    public var effectiveBurst: Int? {
        guard let rate else { return nil }
        return burst ?? Self.defaultBurst(for: rate)
    }

    public static func defaultBurst(for rate: QuotaRate) -> Int {
        max(1, Int(rate.perSecond.rounded(.up)))
    }
}

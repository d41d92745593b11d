/// One counter's state, for the admin API and metrics.
public struct QuotaUsage: Sendable, Hashable {
    public var limitID: String
    /// What the counter is kept for: a principal id, a tenant, a tool, a server, or "*" for a
    /// `per: global` limit.
    public var key: String
    /// Tokens in the bucket now; nil when the limit has no rate.
    public var tokens: Double?
    public var inFlight: Int
    /// Budget units spent today (UTC); nil when the limit has no daily budget.
    public var budgetUsed: Int?

    public init(limitID: String, key: String, tokens: Double?, inFlight: Int, budgetUsed: Int?) {
        self.limitID = limitID
        self.key = key
        self.tokens = tokens
        self.inFlight = inFlight
        self.budgetUsed = budgetUsed
    }
}

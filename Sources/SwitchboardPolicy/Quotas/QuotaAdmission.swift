/// The answer of `QuotaLimiter.admit`.
public enum QuotaAdmission: Sendable {
    /// The call may proceed; release the ticket when it ends (it releases itself when dropped).
    case admitted(QuotaTicket)
    case refused(QuotaRefusal)
}

/// Why a call was refused and when trying again can succeed.
public struct QuotaRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The token bucket is empty.
        case rate
        /// As many calls as allowed are in flight.
        case concurrency
        /// Today's budget (UTC) is spent.
        case budget = "daily_budget"
    }

    /// The limit's `id`; the first refusing limit in file order when several refuse.
    public var limitID: String
    public var kind: Kind
    /// For `rate`, when the next token arrives; for `budget`, the time to the next UTC midnight;
    /// for `concurrency`, a short hint (calls in flight end at their own pace).
    public var retryAfter: Duration
    /// One line for the caller's error message; names the limit, never another caller.
    public var message: String

    public init(limitID: String, kind: Kind, retryAfter: Duration, message: String) {
        self.limitID = limitID
        self.kind = kind
        self.retryAfter = retryAfter
        self.message = message
    }

    public var description: String { message }
}

import SwitchboardCore

/// One `quotas.limits` entry ready to apply, and the pure arithmetic of its counters.
/// A class: the limiter walks its limits on every call, and a struct holding a matcher would be
/// copied (every list retained) at each step.
final class CompiledQuotaLimit: Sendable {
    static let nanosecondsPerDay: Int64 = 86_400 * 1_000_000_000

    let id: String
    let per: QuotaLimitConfig.Per
    let matcher: CallMatcher
    let rate: QuotaRate?
    /// Length of the rate's unit in nanoseconds; tokens arrive `rate.count` per unit.
    let rateUnitNanoseconds: Int64
    let burst: Double
    let concurrency: Int?
    let dailyBudget: Int?

    init(_ config: QuotaLimitConfig, serverLabels: [String: [String: String]] = [:]) {
        id = config.id
        per = config.per
        matcher = CallMatcher(config.match, serverLabels: serverLabels)
        rate = config.rate
        rateUnitNanoseconds = Int64(config.rate?.unit.seconds ?? 1) * 1_000_000_000
        burst = Double(config.effectiveBurst ?? 0)
        concurrency = config.concurrency
        dailyBudget = config.dailyBudget
    }

    func key(for call: CallFacts) -> QuotaKey {
        switch per {
        case .principal: .principal(call.principal.id)
        case .tenant: .tenant(call.principal.tenant ?? "")
        case .tool: .tool(call.tool.federatedName)
        case .server: .server(call.tool.server)
        case .global: .global
        }
    }

    func freshCounter(now: Int64, day: Int64) -> QuotaCounter {
        QuotaCounter(tokens: burst, refilledAt: now, inFlight: 0, budgetDay: day, budgetUsed: 0)
    }

    /// Brings the bucket up to `now` and the budget to `day`.
    func refresh(_ counter: inout QuotaCounter, now: Int64, day: Int64) {
        if let rate, now > counter.refilledAt {
            // One division of exact integers keeps whole-token refills exact (100ms at 10/s is
            // exactly 1 token), which a per-nanosecond rate would not.
            let gained = Double(now - counter.refilledAt) * Double(rate.count) / Double(rateUnitNanoseconds)
            counter.tokens = min(burst, counter.tokens + gained)
            counter.refilledAt = now
        }
        if counter.budgetDay != day {
            counter.budgetDay = day
            counter.budgetUsed = 0
        }
    }

    /// Tolerates the rounding left by adding fractional refills.
    private static let tokenEpsilon = 1e-9

    /// Nil when a call of `cost` fits the (refreshed) counter.
    func refusal(_ counter: QuotaCounter, cost: Int, wall: Int64, day: Int64) -> QuotaRefusal? {
        if let rate, counter.tokens < 1 - Self.tokenEpsilon {
            let missing = 1 - counter.tokens
            let wait = (missing * Double(rateUnitNanoseconds) / Double(rate.count)).rounded(.up)
            let retry = Duration.nanoseconds(Int64(wait))
            return QuotaRefusal(
                limitID: id, kind: .rate, retryAfter: retry,
                message: "rate limit \(id) reached (\(rate) per \(per.rawValue)); retry in \(Self.format(retry))"
            )
        }
        if let concurrency, counter.inFlight >= concurrency {
            return QuotaRefusal(
                limitID: id, kind: .concurrency, retryAfter: .seconds(1),
                message: "concurrency limit \(id) reached (\(concurrency) calls in flight per \(per.rawValue)); retry shortly"
            )
        }
        if let dailyBudget, counter.budgetUsed + cost > dailyBudget {
            let retry = Duration.nanoseconds((day + 1) * Self.nanosecondsPerDay - wall)
            return QuotaRefusal(
                limitID: id, kind: .budget, retryAfter: retry,
                message: "daily budget \(id) used up (\(dailyBudget) units per \(per.rawValue)); it renews at 00:00 UTC"
            )
        }
        return nil
    }

    func take(_ counter: inout QuotaCounter, cost: Int) {
        if rate != nil { counter.tokens = max(0, counter.tokens - 1) }
        if concurrency != nil { counter.inFlight += 1 }
        if dailyBudget != nil { counter.budgetUsed += cost }
    }

    /// Refreshes `counter` and takes a call of `cost` from it; when it does not fit, takes
    /// nothing and returns the refreshed counter, to explain the refusal from.
    func admit(_ counter: inout QuotaCounter, cost: Int, wall: Int64, day: Int64, now: Int64) -> QuotaCounter? {
        refresh(&counter, now: now, day: day)
        if refusal(counter, cost: cost, wall: wall, day: day) != nil { return counter }
        take(&counter, cost: cost)
        return nil
    }

    /// Undoes `take` (a later limit refused the call), at the same instant.
    func giveBack(_ counter: inout QuotaCounter?, cost: Int) {
        guard var value = counter else { return }
        if rate != nil { value.tokens = min(burst, value.tokens + 1) }
        if concurrency != nil { value.inFlight = max(0, value.inFlight - 1) }
        if dailyBudget != nil { value.budgetUsed = max(0, value.budgetUsed - cost) }
        counter = value
    }

    /// A call that held a concurrency slot ended.
    func release(_ counter: inout QuotaCounter?) {
        guard var value = counter, value.inFlight > 0 else { return }
        value.inFlight -= 1
        counter = value
    }

    /// A counter that remembers nothing a fresh one would not: it can be dropped.
    func isIdle(_ counter: QuotaCounter, day: Int64) -> Bool {
        counter.inFlight == 0
            && (rate == nil || counter.tokens >= burst - Self.tokenEpsilon)
            && (dailyBudget == nil || counter.budgetUsed == 0 || counter.budgetDay != day)
    }

    /// `250ms`, `2s`, `1.5s`, `3m`: enough for a person to act on.
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1_000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        if milliseconds < 1_000 { return "\(milliseconds)ms" }
        if milliseconds < 60_000 {
            return milliseconds % 1_000 == 0 ? "\(milliseconds / 1_000)s" : "\(Double(milliseconds / 100) / 10)s"
        }
        let wholeSeconds = (milliseconds + 999) / 1_000
        if wholeSeconds < 3_600 { return "\((wholeSeconds + 59) / 60)m" }
        return "\(wholeSeconds / 3_600)h\((wholeSeconds % 3_600) / 60)m"
    }
}

/// The state of one counter; plain data, mutated under the limiter's lock.
struct QuotaCounter: Sendable {
    var tokens: Double
    var refilledAt: Int64
    var inFlight: Int
    var budgetDay: Int64
    var budgetUsed: Int
}

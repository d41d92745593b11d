public import SwitchboardCore
import Synchronization

/// Rate, concurrency and daily-budget limits on `tools/call`. Every limit whose filters match a
/// call applies and the call is admitted only if all admit it: a refusal gives back what the
/// limits before it took, so it leaves no token, slot or budget unit taken.
///
/// One `Mutex` guards all counters; filters are matched and refusal messages written outside
/// it, and the work inside is one dictionary access per matching limit (two on a refusal).
/// Idle counters (full bucket, nothing in flight, nothing spent today) are dropped once a limit
/// holds more than `maxCountersPerLimit`, so memory follows the callers that are active, not
/// all callers ever.
public final class QuotaLimiter: Sendable {
    private let limits: [CompiledQuotaLimit]
    private let costs: [(glob: Glob, units: Int)]
    private let clock: any QuotaClock
    private let maxCountersPerLimit: Int
    /// Whether any limit counts a daily budget: only then is the wall clock read.
    private let countsDays: Bool
    private let state: Mutex<State>

    private struct State {
        var counters: [[QuotaKey: QuotaCounter]]
        /// Sweep a limit's idle counters when it grows past this. Set to twice the survivors
        /// after a sweep that freed little, so a flood of busy keys cannot make every call sweep.
        var sweepThreshold: [Int]
    }

    private enum Outcome {
        case admitted
        case refused(limit: Int, counter: QuotaCounter)
    }

    /// `serverLabels`: each server's labels, for limits with `server_labels`.
    public init(
        _ config: QuotaConfig, serverLabels: [String: [String: String]] = [:], clock: any QuotaClock = SystemQuotaClock(), maxCountersPerLimit: Int = 100_000
    ) {
        let bound = max(1, maxCountersPerLimit)
        limits = config.limits.map { CompiledQuotaLimit($0, serverLabels: serverLabels) }
        costs = config.costs.map { (Glob($0.tools), $0.units) }
        self.clock = clock
        self.maxCountersPerLimit = bound
        countsDays = config.limits.contains { $0.dailyBudget != nil }
        state = Mutex(
            State(
                counters: Array(repeating: [:], count: config.limits.count),
                sweepThreshold: Array(repeating: bound, count: config.limits.count)
            )
        )
    }

    /// Whether no limit is configured; then `admit` always admits.
    public var isEmpty: Bool { limits.isEmpty }

    /// Budget units a call of `federatedName` costs: the first matching `costs` glob, else 1.
    public func cost(of federatedName: String) -> Int {
        for entry in costs where entry.glob.matches(federatedName) { return entry.units }
        return QuotaConfig.defaultCost
    }

    /// The ids of the limits whose filters match `call`, in file order (for dry runs: nothing
    /// is taken or checked).
    public func limitIDs(applyingTo call: CallFacts) -> [String] {
        limits.filter { $0.matcher.matches(principal: call.principal, virtualServer: call.virtualServer, tool: call.tool) }.map(\.id)
    }

    public func admit(_ call: CallFacts) -> QuotaAdmission {
        var matched = LimitSet()
        var holding = LimitSet()
        for (index, limit) in limits.enumerated()
        where limit.matcher.matches(principal: call.principal, virtualServer: call.virtualServer, tool: call.tool) {
            matched.insert(index)
            if limit.concurrency != nil { holding.insert(index) }
        }
        guard !matched.isEmpty else { return .admitted(.unlimited) }
        let cost = cost(of: call.tool.federatedName)
        let now = clock.monotonicNanoseconds
        let wall = countsDays ? clock.wallClockNanoseconds : 0
        let day = Self.floorDivide(wall, CompiledQuotaLimit.nanosecondsPerDay)

        let outcome: Outcome = state.withLock { state in
            var taken = LimitSet()
            for index in limits.indices where matched.contains(index) {
                let limit = limits[index]
                if let refused = limit.admit(&state.counters[index][limit.key(for: call), default: limit.freshCounter(now: now, day: day)], cost: cost, wall: wall, day: day, now: now) {
                    for earlier in limits.indices where taken.contains(earlier) {
                        limits[earlier].giveBack(&state.counters[earlier][limits[earlier].key(for: call)], cost: cost)
                    }
                    return .refused(limit: index, counter: refused)
                }
                taken.insert(index)
            }
            for index in limits.indices where matched.contains(index) && state.counters[index].count > state.sweepThreshold[index] {
                sweep(index, &state, now: now, day: day)
            }
            return .admitted
        }
        switch outcome {
        case .admitted:
            guard !holding.isEmpty else { return .admitted(.unlimited) }
            return .admitted(QuotaTicket(owner: self, holding: holding, call: CallFacts(principal: call.principal, virtualServer: call.virtualServer, tool: call.tool)))
        case .refused(let index, let counter):
            // The same pure check as under the lock, repeated outside it to build the message.
            guard let refusal = limits[index].refusal(counter, cost: cost, wall: wall, day: day) else {
                return .admitted(.unlimited)
            }
            return .refused(refusal)
        }
    }

    /// Gives back the ticket's concurrency slots; the same as `ticket.release()`.
    public func release(_ ticket: QuotaTicket) {
        ticket.release()
    }

    /// Frees the concurrency slot `call` took in each limit of `holding`.
    func giveBack(_ holding: LimitSet, of call: CallFacts) {
        state.withLock { state in
            for index in limits.indices where holding.contains(index) {
                limits[index].release(&state.counters[index][limits[index].key(for: call)])
            }
        }
    }

    private func sweep(_ index: Int, _ state: inout State, now: Int64, day: Int64) {
        let limit = limits[index]
        state.counters[index] = state.counters[index].filter { entry in
            var counter = entry.value
            limit.refresh(&counter, now: now, day: day)
            return !limit.isIdle(counter, day: day)
        }
        state.sweepThreshold[index] = max(maxCountersPerLimit, state.counters[index].count * 2)
    }

    /// Every counter, refreshed to now (without changing it), by limit in file order and key.
    public func snapshot() -> [QuotaUsage] {
        let now = clock.monotonicNanoseconds
        let day = Self.floorDivide(clock.wallClockNanoseconds, CompiledQuotaLimit.nanosecondsPerDay)
        let counters = state.withLock { $0.counters }
        var usage: [QuotaUsage] = []
        for (index, limit) in limits.enumerated() {
            var rows: [QuotaUsage] = []
            for (key, stored) in counters[index] {
                var counter = stored
                limit.refresh(&counter, now: now, day: day)
                rows.append(
                    QuotaUsage(
                        limitID: limit.id, key: key.description,
                        tokens: limit.rate == nil ? nil : counter.tokens,
                        inFlight: counter.inFlight,
                        budgetUsed: limit.dailyBudget == nil ? nil : counter.budgetUsed
                    )
                )
            }
            usage += rows.sorted { $0.key < $1.key }
        }
        return usage
    }

    /// How many counters each limit holds, for tests of the pruning bound.
    package var counterCounts: [Int] {
        state.withLock { $0.counters.map(\.count) }
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }
}

/// The indices of the limits that apply to one call, without allocating for the first 64.
struct LimitSet: Sendable {
    private var low: UInt64 = 0
    private var high: [Int] = []

    var isEmpty: Bool { low == 0 && high.isEmpty }

    mutating func insert(_ index: Int) {
        if index < 64 { low |= 1 << UInt64(index) } else { high.append(index) }
    }

    func contains(_ index: Int) -> Bool {
        index < 64 ? low & (1 << UInt64(index)) != 0 : high.contains(index)
    }
}

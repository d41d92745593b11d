public import SwitchboardCore
import Synchronization

/// Rate, concurrency and daily-budget limits on `tools/call`. Every limit whose filters match a
/// call applies and the call is admitted only if all admit it: every limit is checked before
/// anything is taken, so a refusal leaves no token, slot or budget unit taken.
///
/// One `Mutex` guards all counters; filters are matched and refusal messages written outside
/// it, and the work inside is two dictionary lookups per matching limit. Idle counters (full
/// bucket, nothing in flight, nothing spent today) are dropped once a limit holds more than
/// `maxCountersPerLimit`, so memory follows the callers that are active, not all callers ever.
public final class QuotaLimiter: Sendable {
    private let limits: [CompiledQuotaLimit]
    private let costs: [(glob: Glob, units: Int)]
    private let clock: any QuotaClock
    private let maxCountersPerLimit: Int
    private let state: Mutex<State>

    private struct State {
        var counters: [[QuotaKey: QuotaCounter]]
        /// Sweep a limit's idle counters when it grows past this. Set to twice the survivors
        /// after a sweep that freed little, so a flood of busy keys cannot make every call sweep.
        var sweepThreshold: [Int]
    }

    private enum Outcome {
        case admitted([QuotaTicket.Slot])
        case refused(limit: Int, counter: QuotaCounter)
    }

    public init(_ config: QuotaConfig, clock: any QuotaClock = SystemQuotaClock(), maxCountersPerLimit: Int = 100_000) {
        let bound = max(1, maxCountersPerLimit)
        limits = config.limits.map(CompiledQuotaLimit.init)
        costs = config.costs.map { (Glob($0.tools), $0.units) }
        self.clock = clock
        self.maxCountersPerLimit = bound
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
        for index in limits.indices
        where limits[index].matcher.matches(principal: call.principal, virtualServer: call.virtualServer, tool: call.tool) {
            matched.insert(index)
        }
        guard !matched.isEmpty else { return .admitted(.unlimited) }
        let cost = cost(of: call.tool.federatedName)
        let now = clock.monotonicNanoseconds
        let wall = clock.wallClockNanoseconds
        let day = Self.floorDivide(wall, CompiledQuotaLimit.nanosecondsPerDay)

        let outcome: Outcome = state.withLock { state in
            for index in limits.indices where matched.contains(index) {
                let limit = limits[index]
                let key = limit.key(for: call)
                let fresh = limit.freshCounter(now: now, day: day)
                limit.refresh(&state.counters[index][key, default: fresh], now: now, day: day)
                let counter = state.counters[index][key, default: fresh]
                if limit.refusal(counter, cost: cost, wall: wall, day: day) != nil {
                    return .refused(limit: index, counter: counter)
                }
            }
            var slots: [QuotaTicket.Slot] = []
            for index in limits.indices where matched.contains(index) {
                let limit = limits[index]
                let key = limit.key(for: call)
                limit.take(&state.counters[index][key, default: limit.freshCounter(now: now, day: day)], cost: cost)
                if limit.concurrency != nil { slots.append(QuotaTicket.Slot(limit: index, key: key)) }
                if state.counters[index].count > state.sweepThreshold[index] { sweep(index, &state, now: now, day: day) }
            }
            return .admitted(slots)
        }
        switch outcome {
        case .admitted(let slots):
            return .admitted(slots.isEmpty ? .unlimited : QuotaTicket(owner: self, slots: slots))
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

    func giveBack(_ slots: [QuotaTicket.Slot]) {
        state.withLock { state in
            for slot in slots where slot.limit < state.counters.count {
                if let inFlight = state.counters[slot.limit][slot.key]?.inFlight, inFlight > 0 {
                    state.counters[slot.limit][slot.key]?.inFlight = inFlight - 1
                }
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
private struct LimitSet {
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

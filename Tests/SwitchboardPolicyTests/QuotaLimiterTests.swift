import SwitchboardCore
import Testing

@testable import SwitchboardPolicy

@Suite struct QuotaLimiterTests {
    let clock = ManualQuotaClock()

    func limiter(_ limits: [QuotaLimitConfig], costs: [QuotaConfig.Cost] = [], maxCounters: Int = 100_000) -> QuotaLimiter {
        QuotaLimiter(QuotaConfig(costs: costs, limits: limits), clock: clock, maxCountersPerLimit: maxCounters)
    }

    func call(_ principal: Principal = Fixture.agent, _ tool: String = "crm__search") throws -> CallFacts {
        try Fixture.call(principal, tool)
    }

    /// The ticket when admitted, nil when refused; the refusal is returned through `refusal`.
    @discardableResult
    func admit(_ limiter: QuotaLimiter, _ call: CallFacts) -> QuotaTicket? {
        if case .admitted(let ticket) = limiter.admit(call) { return ticket }
        return nil
    }

    func refusal(_ limiter: QuotaLimiter, _ call: CallFacts) -> QuotaRefusal? {
        if case .refused(let refusal) = limiter.admit(call) { return refusal }
        return nil
    }

    @Test func bucketAllowsABurstThenRefillsAtTheRate() throws {
        let limiter = limiter([.init(id: "key-rate", per: .principal, rate: QuotaRate(count: 10, per: .second))])
        let call = try call()
        for _ in 0..<10 { #expect(admit(limiter, call) != nil) }
        let refused = try #require(refusal(limiter, call))
        #expect(refused.limitID == "key-rate")
        #expect(refused.kind == .rate)
        #expect(refused.retryAfter == .milliseconds(100))
        #expect(refused.message == "rate limit key-rate reached (10/s per principal); retry in 100ms")

        clock.advance(.milliseconds(40))
        #expect(refusal(limiter, call)?.retryAfter == .milliseconds(60))
        clock.advance(.milliseconds(60))
        #expect(admit(limiter, call) != nil)
        #expect(refusal(limiter, call) != nil)

        // A long pause fills the bucket to its size, not beyond.
        clock.advance(.seconds(3_600))
        for _ in 0..<10 { #expect(admit(limiter, call) != nil) }
        #expect(refusal(limiter, call) != nil)
    }

    @Test func explicitBurstAndSlowRates() throws {
        let bursty = limiter([.init(id: "b", per: .global, rate: QuotaRate(count: 1, per: .second), burst: 3)])
        let call = try call()
        for _ in 0..<3 { #expect(admit(bursty, call) != nil) }
        #expect(refusal(bursty, call)?.retryAfter == .seconds(1))
        clock.advance(.milliseconds(500))
        #expect(refusal(bursty, call)?.retryAfter == .milliseconds(500))

        // 2/m: the default burst is one call, the next comes 30 s later.
        let slow = limiter([.init(id: "slow", per: .global, rate: QuotaRate(count: 2, per: .minute))])
        #expect(admit(slow, call) != nil)
        #expect(refusal(slow, call)?.retryAfter == .seconds(30))
        clock.advance(.seconds(30))
        #expect(admit(slow, call) != nil)
        #expect(QuotaLimitConfig.defaultBurst(for: QuotaRate(count: 1_000, per: .hour)) == 1)
        #expect(QuotaLimitConfig.defaultBurst(for: QuotaRate(count: 25, per: .second)) == 25)
        #expect(QuotaLimitConfig.defaultBurst(for: QuotaRate(count: 90, per: .minute)) == 2)
    }

    @Test func concurrencySlotsComeBackOnReleaseOnce() throws {
        let limiter = limiter([.init(id: "inflight", per: .principal, concurrency: 2)])
        let call = try call()
        let first = try #require(admit(limiter, call))
        let second = try #require(admit(limiter, call))
        #expect(first.holdsSlots)
        let refused = try #require(refusal(limiter, call))
        #expect(refused.kind == .concurrency)
        #expect(refused.retryAfter == .seconds(1))

        limiter.release(first)
        limiter.release(first)
        first.release()
        let third = try #require(admit(limiter, call))
        #expect(refusal(limiter, call) != nil, "a second release of the same ticket must not free another slot")
        second.release()
        third.release()
        #expect(limiter.snapshot().map(\.inFlight) == [0])
    }

    @Test func aDroppedTicketGivesItsSlotBack() throws {
        let limiter = limiter([.init(id: "inflight", per: .global, concurrency: 1)])
        let call = try call()
        do {
            let ticket = admit(limiter, call)
            #expect(ticket != nil)
            #expect(refusal(limiter, call) != nil)
        }
        #expect(admit(limiter, call) != nil)
    }

    @Test func dailyBudgetCountsCostsAndRenewsAtUTCMidnight() throws {
        let limiter = limiter(
            [.init(id: "daily", per: .tenant, dailyBudget: 12)],
            costs: [.init(tools: "search__*", units: 5), .init(tools: "*__free", units: 0), .init(tools: "search__query", units: 99)]
        )
        #expect(limiter.cost(of: "search__query") == 5, "the first matching glob counts")
        #expect(limiter.cost(of: "crm__list") == 1)
        let search = try call(Fixture.agent, "search__query")
        let cheap = try call(Fixture.agent, "crm__list")
        let free = try call(Fixture.agent, "crm__free")
        #expect(admit(limiter, search) != nil)
        #expect(admit(limiter, search) != nil)
        let refused = try #require(refusal(limiter, search))
        #expect(refused.kind == .budget)
        // 12:00 UTC: twelve hours to the renewal.
        #expect(refused.retryAfter == .seconds(12 * 3_600))
        #expect(refused.message == "daily budget daily used up (12 units per tenant); it renews at 00:00 UTC")
        #expect(admit(limiter, cheap) != nil)
        #expect(admit(limiter, cheap) != nil)
        #expect(refusal(limiter, cheap) != nil)
        #expect(admit(limiter, free) != nil)
        #expect(limiter.snapshot() == [QuotaUsage(limitID: "daily", key: "acme", tokens: nil, inFlight: 0, budgetUsed: 12)])

        clock.advance(.seconds(12 * 3_600 - 1))
        #expect(refusal(limiter, cheap)?.retryAfter == .seconds(1))
        clock.advance(.seconds(1))
        #expect(admit(limiter, search) != nil)
        #expect(limiter.snapshot().first?.budgetUsed == 5)
    }

    @Test func aRefusalTakesNothingFromTheOtherLimits() throws {
        let limiter = limiter([
            .init(id: "per-key", per: .principal, rate: QuotaRate(count: 1, per: .hour), dailyBudget: 100),
            .init(id: "one-at-a-time", per: .global, concurrency: 1),
        ])
        let alice = try call(Fixture.alice)
        let bob = try call(Fixture.agent)
        let held = try #require(admit(limiter, alice))
        let refused = try #require(refusal(limiter, bob))
        #expect(refused.limitID == "one-at-a-time")
        let bobUsage = limiter.snapshot().first { $0.key == Fixture.agent.id }
        #expect(bobUsage?.tokens == 1)
        #expect(bobUsage?.budgetUsed == 0)

        held.release()
        #expect(admit(limiter, bob) != nil)
        #expect(refusal(limiter, bob)?.limitID == "per-key")
    }

    @Test func theFirstLimitRefusingAlsoLeavesLaterLimitsUntouched() throws {
        let limiter = limiter([
            .init(id: "rate", per: .global, rate: QuotaRate(count: 1, per: .hour)),
            .init(id: "slots", per: .global, concurrency: 5),
            .init(id: "budget", per: .global, dailyBudget: 10),
        ])
        let call = try call()
        let ticket = try #require(admit(limiter, call))
        for _ in 0..<3 { #expect(refusal(limiter, call)?.limitID == "rate") }
        ticket.release()
        let usage = limiter.snapshot()
        #expect(usage.map(\.limitID) == ["rate", "slots", "budget"])
        #expect(usage.map(\.inFlight) == [0, 0, 0])
        #expect(usage[2].budgetUsed == 1)
    }

    @Test func countersAreKeptPerKey() throws {
        let rate = QuotaRate(count: 1, per: .hour)
        let table: [(QuotaLimitConfig.Per, CallFacts, CallFacts, Bool)] = [
            (.principal, try call(Fixture.agent), try call(Fixture.ciBot), true),
            (.principal, try call(Fixture.agent), try call(Fixture.agent, "other__tool"), false),
            (.tenant, try call(Fixture.agent), try call(Fixture.ciBot), false),
            (.tenant, try call(Fixture.agent), try call(Fixture.outsider), true),
            (.tenant, try call(Principal.anonymous()), try call(Principal(kind: .apiKey, name: "x")), false),
            (.tool, try call(Fixture.agent, "crm__a"), try call(Fixture.ciBot, "crm__a"), false),
            (.tool, try call(Fixture.agent, "crm__a"), try call(Fixture.agent, "crm__b"), true),
            (.server, try call(Fixture.agent, "crm__a"), try call(Fixture.agent, "crm__b"), false),
            (.server, try call(Fixture.agent, "crm__a"), try call(Fixture.agent, "files__a"), true),
            (.global, try call(Fixture.agent, "crm__a"), try call(Fixture.outsider, "files__b"), false),
        ]
        for (per, first, second, separate) in table {
            let limiter = limiter([.init(id: "l", per: per, rate: rate)])
            #expect(admit(limiter, first) != nil)
            #expect((admit(limiter, second) != nil) == separate, "per \(per)")
        }
    }

    @Test func filtersChooseWhichLimitsApply() throws {
        let limiter = limiter([
            .init(id: "searches", per: .principal, match: .init(tools: ["search__*"]), rate: QuotaRate(count: 1, per: .hour)),
            .init(id: "ops-agents", per: .global, match: .init(roles: ["agent"], virtualServers: ["ops"]), concurrency: 1),
        ])
        #expect(admit(limiter, try call(Fixture.agent, "search__query")) != nil)
        #expect(refusal(limiter, try call(Fixture.agent, "search__query"))?.limitID == "searches")
        for _ in 0..<5 { #expect(admit(limiter, try call(Fixture.agent, "crm__list")) === QuotaTicket.unlimited) }
        let viaOps = try Fixture.call(Fixture.agent, "crm__list", via: "ops")
        let held = admit(limiter, viaOps)
        #expect(held != nil)
        #expect(refusal(limiter, viaOps)?.limitID == "ops-agents")
        #expect(admit(limiter, try Fixture.call(Fixture.alice, "crm__list", via: "ops")) != nil)
        _ = held
    }

    @Test func idleCountersArePrunedPastTheBound() throws {
        let limiter = limiter([.init(id: "per-key", per: .principal, rate: QuotaRate(count: 1_000, per: .second), burst: 1)], maxCounters: 10)
        for index in 0..<500 {
            #expect(admit(limiter, try call(Principal(kind: .apiKey, name: "key-\(index)"))) != nil)
            clock.advance(.milliseconds(1))
            #expect(limiter.counterCounts[0] <= 11)
        }
    }

    @Test func countersInUseSurvivePruning() throws {
        let limiter = limiter([.init(id: "per-key", per: .principal, dailyBudget: 1)], maxCounters: 10)
        for index in 0..<100 {
            #expect(admit(limiter, try call(Principal(kind: .apiKey, name: "key-\(index)"))) != nil)
        }
        #expect(limiter.counterCounts == [100])
        for index in 0..<100 {
            #expect(refusal(limiter, try call(Principal(kind: .apiKey, name: "key-\(index)")))?.kind == .budget)
        }
        // The sweeps that found every counter busy raised the next sweep to twice the busy
        // count (190), so a day later the old counters go once that many are held.
        clock.advance(.seconds(86_400))
        for index in 0..<100 {
            #expect(admit(limiter, try call(Principal(kind: .apiKey, name: "new-\(index)"))) != nil)
        }
        #expect(limiter.counterCounts == [100])
        #expect(limiter.snapshot().allSatisfy { $0.key.hasPrefix("key:new-") })
    }

    @Test func snapshotReportsEveryCounterRefreshedToNow() throws {
        let limiter = limiter([.init(id: "r", per: .principal, rate: QuotaRate(count: 10, per: .second), concurrency: 3)])
        let ticket = admit(limiter, try call(Fixture.agent))
        _ = admit(limiter, try call(Fixture.alice))
        clock.advance(.milliseconds(50))
        let usage = limiter.snapshot()
        #expect(usage.map(\.key) == ["jwt:alice@example.com", "key:agent-7"])
        #expect(usage.map(\.tokens) == [9.5, 9.5])
        #expect(usage.map(\.inFlight) == [0, 1])
        #expect(usage.map(\.budgetUsed) == [nil, nil])
        ticket?.release()
    }

    @Test func noLimitsAdmitEverything() throws {
        let limiter = limiter([])
        #expect(limiter.isEmpty)
        for _ in 0..<100 { #expect(admit(limiter, try call()) === QuotaTicket.unlimited) }
        #expect(limiter.snapshot().isEmpty)
    }

    @Test func rateParsing() {
        #expect(QuotaRate.parse("10/s") == QuotaRate(count: 10, per: .second))
        #expect(QuotaRate.parse("600/m") == QuotaRate(count: 600, per: .minute))
        #expect(QuotaRate.parse("1/h")?.perSecond == 1.0 / 3_600)
        for bad in ["", "10", "10/", "/s", "0/s", "-1/s", "+1/s", "1.5/s", "10/sec", "10/d", "10 /s", "10/s/s"] {
            #expect(QuotaRate.parse(bad) == nil, "\(bad)")
        }
    }
}

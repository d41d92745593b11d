import NIOCore
import Testing

@testable import SwitchboardUpstream

@Suite("ClientCredentialsTokenState")
struct ClientCredentialsTokenStateTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    /// A token fetched at `start` with this lifetime: what requests decide at these moments.
    @Test(arguments: [
        // One hour: margin 60 s, used until 59 min, refreshed in the background from 58 min
        // (while that refresh runs, the token stays in use until it is no longer usable).
        (3600, [(0, "use"), (3479, "use"), (3480, "useAndRefresh"), (3539, "use"), (3540, "wait")]),
        // Ten minutes: margin 60 s still (10 % would be 60 s too).
        (600, [(479, "use"), (480, "useAndRefresh"), (540, "wait")]),
        // One minute: margin 6 s (10 %), refreshed from 48 s, not used from 54 s.
        (60, [(47, "use"), (48, "useAndRefresh"), (53, "use"), (54, "wait")]),
    ])
    func timeline(lifetime: Int, moments: [(Int, String)]) {
        var state = ClientCredentialsTokenState()
        #expect(state.next(now: Self.start) == .fetchAndWait)
        state.fetched("t", lifetime: .seconds(Int64(lifetime)), startedAt: Self.start)
        for (second, expected) in moments {
            let decision = state.next(now: Self.start + .seconds(Int64(second)))
            #expect(Self.name(decision) == expected, "at \(second) s of \(lifetime) s")
        }
    }

    @Test("concurrent requests share one fetch; a background refresh is started once")
    func oneFetchAtATime() {
        var state = ClientCredentialsTokenState()
        #expect(state.next(now: Self.start) == .fetchAndWait)
        #expect(state.next(now: Self.start) == .wait)
        #expect(state.next(now: Self.start) == .wait)
        state.fetched("a", lifetime: .seconds(100), startedAt: Self.start)
        #expect(state.next(now: Self.start + .seconds(85)) == .useAndRefresh("a"))
        #expect(state.next(now: Self.start + .seconds(86)) == .use("a"))
        state.fetched("b", lifetime: .seconds(100), startedAt: Self.start + .seconds(85))
        #expect(state.next(now: Self.start + .seconds(90)) == .use("b"))
    }

    @Test("a failed refresh keeps the usable token; without one, requests fail fast until the retry delay passed")
    func failures() {
        var state = ClientCredentialsTokenState()
        _ = state.next(now: Self.start)
        state.fetched("a", lifetime: .seconds(100), startedAt: Self.start)
        #expect(state.next(now: Self.start + .seconds(85)) == .useAndRefresh("a"))
        state.fetchFailed("HTTP 503", now: Self.start + .seconds(85))
        // Still usable, and no new refresh inside the retry delay.
        #expect(state.next(now: Self.start + .milliseconds(85_500)) == .use("a"))
        #expect(state.next(now: Self.start + .seconds(86)) == .useAndRefresh("a"))
        state.fetchFailed("HTTP 503", now: Self.start + .seconds(86))
        // Expired: fail with the reason while the (now doubled) delay lasts, then try again.
        #expect(state.next(now: Self.start + .seconds(91)) == .fetchAndWait)
        state.fetchFailed("HTTP 503", now: Self.start + .seconds(91))
        #expect(state.next(now: Self.start + .seconds(94)) == .fail("HTTP 503"))
        #expect(state.next(now: Self.start + .seconds(95)) == .fetchAndWait)
        state.fetched("b", lifetime: nil, startedAt: Self.start + .seconds(95))
        // Without expires_in a token is kept until the server refuses it.
        #expect(state.next(now: Self.start + .seconds(1_000_000)) == .use("b"))
    }

    @Test("a 401 drops the token it was sent with, not a newer one")
    func rejection() {
        var state = ClientCredentialsTokenState()
        _ = state.next(now: Self.start)
        state.fetched("a", lifetime: nil, startedAt: Self.start)
        state.rejected("a")
        #expect(state.next(now: Self.start) == .fetchAndWait)
        state.fetched("b", lifetime: nil, startedAt: Self.start)
        state.rejected("a")
        #expect(state.next(now: Self.start) == .use("b"))
        state.rejected(nil)
        #expect(state.token == nil)
    }

    static func name(_ decision: ClientCredentialsTokenState.Decision) -> String {
        switch decision {
        case .use: "use"
        case .useAndRefresh: "useAndRefresh"
        case .wait: "wait"
        case .fetchAndWait: "fetchAndWait"
        case .fail: "fail"
        }
    }
}

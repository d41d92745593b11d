import NIOCore
import SwitchboardCore
import SwitchboardUpstream
import Testing

@Suite struct UpstreamListCacheTests {
    private let page = try! JSONView.parse(ByteBuffer(string: #"{"tools":[{"name":"a"}]}"#))

    @Test func keepsPagesUntilTheirListChanges() {
        let cache = UpstreamListCache()
        cache.store(page, for: .tools, cursor: nil, fetchedAt: cache.generation)
        cache.store(page, for: .resources, cursor: "c", fetchedAt: cache.generation)
        #expect(cache.page(.tools, cursor: nil) != nil)
        #expect(cache.page(.tools, cursor: "other") == nil)
        cache.invalidate(ListKind.changed(by: "notifications/tools/list_changed"))
        #expect(cache.page(.tools, cursor: nil) == nil)
        #expect(cache.page(.resources, cursor: "c") != nil)
        cache.invalidate(ListKind.changed(by: "notifications/resources/list_changed"))
        #expect(cache.page(.resources, cursor: "c") == nil)
    }

    @Test func dropsAFetchThatRacedAnInvalidation() {
        let cache = UpstreamListCache()
        let before = cache.generation
        cache.invalidateAll()
        cache.store(page, for: .tools, cursor: nil, fetchedAt: before)
        #expect(cache.page(.tools, cursor: nil) == nil)
    }

    /// A 2026-07-28 server's `ttlMs`: fresh while now < received + ttl, then fetched again.
    @Test func keepsAPageWithATTLWhileItIsFresh() {
        let cache = UpstreamListCache()
        let received = NIODeadline.uptimeNanoseconds(1_000_000_000)
        cache.store(page, for: .tools, cursor: nil, fetchedAt: cache.generation, freshFor: .milliseconds(500), now: received)
        #expect(cache.page(.tools, cursor: nil, now: received + .milliseconds(499)) != nil)
        #expect(cache.page(.tools, cursor: nil, now: received + .milliseconds(500)) == nil)
        // Gone once stale, whatever the clock says next.
        #expect(cache.page(.tools, cursor: nil, now: received) == nil)
    }
}

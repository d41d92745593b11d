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
}

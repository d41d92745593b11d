import Testing

@testable import SwitchboardDataPlane

/// The names each server listed: known only from complete listings, gathered across pages,
/// never lost when two listings interleave, forgotten when the server's list changes.
@Suite struct ListedNamesTests {
    @Test func aWholeListInOnePageIsExactlyItsNames() {
        let names = ListedNames()
        #expect(names.lists("search", server: "notes") == nil)
        names.record(["search", "fetch"], server: "notes", first: true, complete: true)
        #expect(names.lists("search", server: "notes") == true)
        #expect(names.lists("nope", server: "notes") == false)
        // A new listing replaces the names: a removed tool is unknown from then on.
        names.record(["search"], server: "notes", first: true, complete: true)
        #expect(names.lists("fetch", server: "notes") == false)
    }

    @Test func namesAreKnownOnceTheLastPageCame() {
        let names = ListedNames()
        names.record(["search"], server: "notes", first: true, complete: false)
        #expect(names.lists("search", server: "notes") == nil)
        names.record(["fetch"], server: "notes", first: false, complete: true)
        #expect(names.lists("search", server: "notes") == true)
        #expect(names.lists("fetch", server: "notes") == true)
    }

    @Test func interleavedListingsLoseNoName() {
        let names = ListedNames()
        names.record(["search"], server: "notes", first: true, complete: false)
        names.record(["search"], server: "notes", first: true, complete: false)
        names.record(["fetch"], server: "notes", first: false, complete: true)
        names.record(["fetch"], server: "notes", first: false, complete: true)
        #expect(names.lists("search", server: "notes") == true)
        #expect(names.lists("fetch", server: "notes") == true)
    }

    @Test func theOtherServersAreTheContextAndForgettingStartsOver() {
        let names = ListedNames()
        names.record(["search"], server: "notes", first: true, complete: true)
        names.record(["send_email"], server: "mail", first: true, complete: true)
        #expect(names.others(than: "notes") == ["mail": ["send_email"]])
        names.forget(server: "notes")
        #expect(names.lists("search", server: "notes") == nil)
        #expect(names.others(than: "mail") == [:])
    }
}

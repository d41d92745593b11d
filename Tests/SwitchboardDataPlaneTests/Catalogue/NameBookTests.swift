import SwitchboardCore
import Testing

@testable import SwitchboardDataPlane

/// The names clients see (`NameBook`): what each rule gives, and over random catalogues that
/// every name is unique, within the budget and charset, read back to its own tool, and the
/// same whatever order the lists came in.
@Suite struct NameBookTests {
    typealias Listed = NameBook.Listed

    func book(_ servers: [Listed], budget: Int = 64, kind: ListKind = .tools) -> NameBook {
        NameBook(kind: kind, servers: servers, budget: budget)
    }

    @Test func theDefaultIsServerUnderscoreUnderscoreName() {
        let b = book([Listed(server: "time", settings: .init(), names: ["now", "convert-tz", "a__b"])])
        #expect(b.shown(server: "time", upstream: "now") == "time__now")
        #expect(b.shown(server: "time", upstream: "a__b") == "time__a__b")
        #expect(b.route("time__convert-tz") == .init(server: "time", upstream: "convert-tz"))
        #expect(b.mappings.isEmpty)
    }

    @Test func charactersOutsideTheSetBecomeUnderscoresAndATakenNameGetsAHash() throws {
        let b = book([Listed(server: "gh", settings: .init(), names: ["issues.create", "issues_create", "list files", "日本"])])
        // The valid name keeps its own; the mapped one that would take it gets a hash.
        #expect(b.shown(server: "gh", upstream: "issues_create") == "gh__issues_create")
        let mapped = try #require(b.shown(server: "gh", upstream: "issues.create"))
        #expect(mapped.hasPrefix("gh__issues_create_") && mapped.count == "gh__issues_create_".count + 6)
        #expect(b.shown(server: "gh", upstream: "list files") == "gh__list_files")
        #expect(b.shown(server: "gh", upstream: "日本") == "gh____")
        let reasons = try #require(b.mappings.first { $0.route.upstream == "issues.create" }?.reasons)
        #expect(reasons == [.charset, .hashed])
    }

    @Test func aLongNameIsCutToTheBudgetWithAStableHash() throws {
        let long = String(repeating: "x", count: 90)
        let b = book([Listed(server: "s", settings: .init(), names: [long + "1", long + "2"])], budget: 40)
        let one = try #require(b.shown(server: "s", upstream: long + "1"))
        let two = try #require(b.shown(server: "s", upstream: long + "2"))
        #expect(one.count == 40 && two.count == 40 && one != two)
        #expect(one.hasPrefix("s__xxxx"))
        #expect(b.mappings.first { $0.shown == one }?.reasons == [.shortened(from: 94, budget: 40)])
        // The same input, another day: the same names.
        let again = book([Listed(server: "s", settings: .init(), names: [long + "2", long + "1"])], budget: 40)
        #expect(again.shown(server: "s", upstream: long + "1") == one)
    }

    @Test func onCollisionPrefixesOnlyTheNamesTwoServersShow() {
        let b = book([
            Listed(server: "jira", settings: .init(prefix: .onCollision), names: ["search", "create"]),
            Listed(server: "linear", settings: .init(prefix: .onCollision), names: ["search", "cycle"]),
            Listed(server: "time", settings: .init(), names: ["search"]),
        ])
        #expect(b.shown(server: "jira", upstream: "search") == "jira__search")
        #expect(b.shown(server: "linear", upstream: "search") == "linear__search")
        #expect(b.shown(server: "jira", upstream: "create") == "create")
        #expect(b.shown(server: "linear", upstream: "cycle") == "cycle")
        // time__search is no bare "search": no collision with it.
        #expect(b.shown(server: "time", upstream: "search") == "time__search")
        #expect(b.mappings.first { $0.shown == "jira__search" }?.reasons == [.collidesWith(["linear"])])
        #expect(b.mappings.first { $0.shown == "create" }?.reasons == [.unprefixed(.onCollision)])
    }

    @Test func noneYieldsToOnCollisionAndTwoNoneServersArePrefixed() {
        let b = book([
            Listed(server: "docs", settings: .init(prefix: .none), names: ["search", "read"]),
            Listed(server: "jira", settings: .init(prefix: .onCollision), names: ["search"]),
            Listed(server: "wiki", settings: .init(prefix: .none), names: ["read"]),
        ])
        #expect(b.shown(server: "docs", upstream: "search") == "search")
        #expect(b.shown(server: "jira", upstream: "search") == "jira__search")
        #expect(b.shown(server: "docs", upstream: "read") == "docs__read")
        #expect(b.shown(server: "wiki", upstream: "read") == "wiki__read")
    }

    @Test func aliasRenamesAndALeadingLetter() throws {
        let settings = ServerNamesConfig(alias: "gh", tools: ["create.issue": "new_issue"], prompts: ["sum.up": "summary"])
        let tools = book([
            Listed(server: "github-enterprise", settings: settings, names: ["create.issue", "list"]),
            Listed(server: "7zip", settings: .init(), names: ["pack"]),
        ])
        #expect(tools.shown(server: "github-enterprise", upstream: "create.issue") == "gh__new_issue")
        #expect(tools.mappings.first { $0.shown == "gh__new_issue" }?.reasons == [.alias("gh"), .renamed])
        #expect(tools.route("gh__list") == .init(server: "github-enterprise", upstream: "list"))
        #expect(tools.route("gh__list")?.canonical == "github-enterprise__list")
        #expect(tools.shown(server: "7zip", upstream: "pack") == "x_7zip__pack")
        // Prompts take their own renames.
        let prompts = book([Listed(server: "github-enterprise", settings: settings, names: ["sum.up", "create.issue"])], kind: .prompts)
        #expect(prompts.shown(server: "github-enterprise", upstream: "sum.up") == "gh__summary")
        #expect(prompts.shown(server: "github-enterprise", upstream: "create.issue") == "gh__create_issue")
    }

    @Test func theLiveBookIsMadeAgainOnlyWhenNamesChange() throws {
        var github = ServerConfig(name: "github", transport: .stdio(StdioLaunch(command: "true")))
        github.names = ServerNamesConfig(alias: "gh", tools: ["create.issue": "new_issue"])
        let shown = ShownNames(kind: .tools, servers: [github], budget: 64)
        // Before any list: the default form, read back through the alias and renames.
        #expect(shown.shown(server: "github", upstream: "list") == "gh__list")
        #expect(shown.route("gh__new_issue") == nil)
        #expect(shown.guessRoute("gh__new_issue") == .init(server: "github", upstream: "create.issue"))
        #expect(shown.guessRoute("github__list") == nil)
        shown.record(["create.issue", "list"], server: "github", first: true, complete: true)
        let generation = shown.generation
        #expect(shown.route("gh__new_issue") == .init(server: "github", upstream: "create.issue"))
        shown.record(["list", "create.issue"], server: "github", first: true, complete: true)
        #expect(shown.generation == generation)
        shown.record(["list"], server: "github", first: true, complete: true)
        #expect(shown.generation != generation)
        #expect(shown.route("gh__new_issue") == nil)
    }

    /// A server that lists the very names its others would be hashed to: every round of
    /// hashes meets one, and the numbered last round still gives each tool a name of its own,
    /// at the smallest budget too.
    @Test(arguments: [16, 24, 64])
    func namesMadeToClashStillGetNamesOfTheirOwn(budget: Int) throws {
        var names = ["a.b", "a_b"]
        for _ in 0..<4 {
            let b = book([Listed(server: "s", settings: .init(prefix: .none), names: names)], budget: budget)
            if let shown = b.shown(server: "s", upstream: "a.b"), !names.contains(shown) { names.append(shown) }
        }
        let b = book([Listed(server: "s", settings: .init(prefix: .none), names: names)], budget: budget)
        let shown = try names.map { try #require(b.shown(server: "s", upstream: $0)) }
        #expect(Set(shown).count == names.count, "\(shown)")
        for (name, shownName) in zip(names, shown) {
            #expect(shownName.utf8.count <= budget)
            #expect(b.route(shownName) == .init(server: "s", upstream: name))
        }
    }

    @Test func randomCatalogues() throws {
        var rng = SplitMix(seed: 15)
        let pieces = ["search", "get", "list", "a.b", "issues.create", "issues_create", "x", "日", "-lead", "_u", "9", "very_long_name_of_a_tool_that_goes_on"]
        let modes: [NamePrefixMode] = [.always, .onCollision, .none]
        for round in 0..<300 {
            var servers: [Listed] = []
            for s in 0..<(1 + Int(rng.next() % 4)) {
                var names = Set<String>()
                for _ in 0..<(Int(rng.next() % 8)) {
                    let parts = (0..<(1 + Int(rng.next() % 3))).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }
                    names.insert(parts.joined(separator: rng.next() % 2 == 0 ? "." : "__"))
                }
                let settings = ServerNamesConfig(prefix: modes[Int(rng.next() % 3)], alias: rng.next() % 3 == 0 ? "al\(s)" : nil)
                servers.append(Listed(server: "srv\(s)", settings: settings, names: names.sorted()))
            }
            let budget = 16 + Int(rng.next() % 49)
            let b = book(servers, budget: budget)
            var shownNames = Set<String>()
            for server in servers {
                for name in server.names {
                    let shown = try #require(b.shown(server: server.server, upstream: name), "round \(round)")
                    #expect(shownNames.insert(shown).inserted, "round \(round): \(shown) shown twice")
                    #expect(shown.utf8.count <= budget, "round \(round): \(shown)")
                    #expect(shown.utf8.first.map(NameCharset.isLetter) == true && shown.utf8.allSatisfy(NameCharset.allows), "round \(round): \(shown)")
                    #expect(b.route(shown) == .init(server: server.server, upstream: name), "round \(round): \(shown)")
                }
            }
            let shuffled = book(servers.map { Listed(server: $0.server, settings: $0.settings, names: $0.names.reversed()) }, budget: budget)
            #expect(shuffled.mappings == b.mappings, "round \(round)")
        }
    }
}

/// A small seeded generator, so a failing round can be run again.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

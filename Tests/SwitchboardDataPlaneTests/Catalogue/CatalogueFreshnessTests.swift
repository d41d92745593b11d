import Logging
import NIOCore
import SwitchboardCore
import SwitchboardPolicy
import SwitchboardTesting
import Testing

@testable import SwitchboardDataPlane

/// The catalogue cache's two newer parts: a merged list tells 2026-07-28 clients how long it
/// stays fresh (the shortest `ttlMs` its servers gave), and each caller's filtered pages are
/// made once per rules and merge.
@Suite struct CatalogueFreshnessTests {
    static let list = #"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#

    static func page(_ name: String, ttl: Int?) -> String {
        #"{"tools":[{"name":""# + name + #"","inputSchema":{"type":"object"}}]"# + (ttl.map { #","ttlMs":\#($0)"# } ?? "") + "}"
    }

    @Test func theShortestPromiseOfItsServers() throws {
        let gateway = try GatewayFixture([
            .init(name: "a", script: { _ in .result(Self.page("x", ttl: 60_000)) }),
            .init(name: "b", script: { _ in .result(Self.page("y", ttl: 30_000)) }),
        ])
        let answer = try gateway.sendStateless(Self.list)
        let text = try answer.finalView().rawText
        let ttl = try #require(try answer.finalView()["result"]?["ttlMs"]?.int, "\(text)")
        #expect((29_000...30_000).contains(ttl), "\(ttl)")
        // A legacy client never sees it.
        let legacy = try gateway.send(#"{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}"#, in: try gateway.session())
        #expect(try legacy.finalView()["result"]?["ttlMs"] == nil)
    }

    @Test func aServerThatPromisesNothingMakesItZero() throws {
        let gateway = try GatewayFixture([
            .init(name: "a", script: { _ in .result(Self.page("x", ttl: 60_000)) }),
            .init(name: "b", script: { _ in .result(Self.page("y", ttl: nil)) }),
        ])
        let answer = try gateway.sendStateless(Self.list)
        #expect(try answer.finalView()["result"]?["ttlMs"]?.int == 0)
        #expect(gateway.gateway.catalogue.freshFor(.tools) == 0)
    }

    /// With rules that hide tools from some callers, each caller's page is filtered once and
    /// then reused until the rules or the merged page change.
    @Test func callerViewsAreMadeOncePerRulesAndMerge() throws {
        let gateway = try GatewayFixture(
            [.init(name: "a", capabilities: #"{"tools":{"listChanged":true}}"#, script: { _ in .result(Self.page("x", ttl: nil)) })],
            configure: { config in
                config.policy = PolicyConfig(
                    defaultEffect: .deny, rules: [PolicyRuleConfig(id: "readers", effect: .allow, match: CallMatchConfig(roles: ["reader"], tools: ["a__*"]))]
                )
            }
        )
        let reader = Principal(kind: .apiKey, name: "r", roles: ["reader"])
        let other = Principal(kind: .apiKey, name: "o")
        let views = gateway.gateway.catalogue.callerViews
        let first = try gateway.send(#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#, in: try gateway.session(caller: reader))
        #expect(try CatalogueTests.names(first) == ["a__x"])
        #expect(views.count == 1)
        let again = try gateway.send(#"{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}"#, in: try gateway.session(caller: reader))
        #expect(try CatalogueTests.names(again) == ["a__x"])
        #expect(views.count == 1, "the same caller's page is reused")
        let hidden = try gateway.send(#"{"jsonrpc":"2.0","id":3,"method":"tools/list","params":{}}"#, in: try gateway.session(caller: other))
        #expect(try CatalogueTests.names(hidden) == [])
        #expect(views.count == 2)
    }

    @Test func aHitNeedsTheVeryPageAndRules() throws {
        let cache = CallerViewCache()
        let governance = try Governance(config: GatewayConfig(listen: .init(), servers: []), logger: .init(label: "t"))
        let rules = governance.current
        let page = ByteBuffer(string: #"{"tools":[]}"#)
        let caller = Principal(kind: .apiKey, name: "k")
        var made = 0
        func view(_ page: ByteBuffer, _ rules: Governance.Rules) -> ByteBuffer {
            cache.page(page, kind: .tools, cursor: nil, principal: caller, virtualServer: nil, rules: rules) {
                made += 1
                return page
            }
        }
        _ = view(page, rules)
        _ = view(page, rules)
        #expect(made == 1)
        _ = view(ByteBuffer(string: #"{"tools":[]}"#), rules)
        #expect(made == 2, "an equal page in other storage is another merge")
        let newer = try Governance(config: GatewayConfig(listen: .init(), servers: []), logger: .init(label: "t")).current
        _ = view(page, newer)
        #expect(made == 3, "new rules make a new view")
    }
}

import SwitchboardCore
import Testing

@testable import SwitchboardPolicy

@Suite struct VirtualServerCatalogueTests {
    let catalogue = VirtualServerCatalogue([
        VirtualServerConfig(
            name: "ops", description: "Tools for the ops agents", tools: ["time__*", "clock__add"], prompts: ["*"],
            resources: ["file:///srv/ops/*"]
        ),
        VirtualServerConfig(name: "empty"),
    ])

    @Test func includesByGlob() throws {
        #expect(catalogue.names == ["ops", "empty"])
        #expect(catalogue.server(named: "ops")?.description == "Tools for the ops agents")
        #expect(catalogue.includesTool("time__now", in: "ops"))
        #expect(catalogue.includesTool("clock__add", in: "ops"))
        #expect(!catalogue.includesTool("clock__add_all", in: "ops"))
        #expect(!catalogue.includesTool("crm__delete", in: "ops"))
        #expect(catalogue.includesPrompt("anything__here", in: "ops"))
        #expect(catalogue.includesResource(uri: "file:///srv/ops/logs/a.txt", in: "ops"))
        #expect(catalogue.includesResource(uri: "file:///srv/ops/{name}", in: "ops"))
        #expect(!catalogue.includesResource(uri: "file:///etc/passwd", in: "ops"))
    }

    @Test func absentListsIncludeNothingAndTheRootIncludesEverything() {
        #expect(!catalogue.includesTool("time__now", in: "empty"))
        #expect(!catalogue.includesPrompt("p__q", in: "empty"))
        #expect(!catalogue.includesResource(uri: "file:///x", in: "empty"))
        #expect(!catalogue.includesTool("time__now", in: "unknown"))
        #expect(catalogue.server(named: "unknown") == nil)
        #expect(catalogue.includesTool("crm__delete", in: nil))
        #expect(catalogue.includesPrompt("p__q", in: nil))
        #expect(catalogue.includesResource(uri: "file:///etc/passwd", in: nil))
    }
}

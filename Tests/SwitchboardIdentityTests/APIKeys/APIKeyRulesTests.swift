import Testing
@testable import SwitchboardIdentity

@Suite struct APIKeyRulesTests {
    @Test(arguments: ["ci-bot", "a", "A.b_c-9", String(repeating: "x", count: 64)])
    func validNames(name: String) {
        #expect(APIKeyRules.problem(withName: name) == nil)
    }

    @Test(arguments: ["", String(repeating: "x", count: 65), "ci bot", "ci/bot", "é", "key:ci", "a\n"])
    func invalidNames(name: String) {
        #expect(APIKeyRules.problem(withName: name) != nil)
    }

    @Test func labelsAllowColonsAndAts() {
        #expect(APIKeyRules.problem(withLabel: "team:payments", what: "role") == nil)
        #expect(APIKeyRules.problem(withLabel: "ops@acme", what: "tenant") == nil)
        #expect(APIKeyRules.problem(withLabel: "", what: "role") == "a role cannot be empty")
        #expect(APIKeyRules.problem(withLabel: "a b", what: "virtual server")?.hasPrefix("a virtual server uses only") == true)
    }
}

import Testing

@testable import SwitchboardPolicy

@Suite struct GlobTests {
    @Test(arguments: [
        ("*", "", true), ("*", "anything at all", true), ("**", "x", true),
        ("", "", true), ("", "a", false),
        ("abc", "abc", true), ("abc", "abcd", false), ("abc", "ab", false), ("abc", "ABC", false),
        ("crm__*", "crm__delete", true), ("crm__*", "crm__", true), ("crm__*", "crm_delete", false), ("crm__*", "xcrm__a", false),
        ("*__drop_*", "db__drop_table", true), ("*__drop_*", "db__dropx", false), ("*__drop_*", "__drop_", true),
        ("*_delete", "crm__hard_delete", true), ("*_delete", "crm__delete_all", false),
        ("a?c", "abc", true), ("a?c", "ac", false), ("a?c", "abbc", false),
        ("?", "é", true), ("??", "é", false), ("caf?", "café", true), ("*é", "café", true), ("*é", "cafe", false),
        ("a*b*c", "aXbYc", true), ("a*b*c", "aXbY", false), ("a**b", "ab", true),
        ("*ab", "aab", true), ("*a*", "bab", true), ("a*a", "a", false), ("*?", "", false), ("*?", "x", true),
        ("file:///srv/ops/*", "file:///srv/ops/logs/today.txt", true), ("file:///srv/ops/*", "file:///srv/opsx", false),
        ("time__*", "time__now", true), ("clock__add", "clock__add", true), ("clock__add", "clock__add2", false),
    ])
    func matchesWholeStrings(_ pattern: String, _ text: String, _ expected: Bool) {
        #expect(Glob(pattern).matches(text) == expected)
    }

    @Test func principalIDsForEveryKind() {
        for kind in Principal.Kind.allCases {
            let principal = Principal(kind: kind, name: "ci-bot")
            #expect(principal.id == (kind == .anonymous ? "anonymous" : kind.rawValue + ":ci-bot"))
            #expect(Glob(principal.id).matches(principal.id))
        }
        #expect(Glob("key:ci-*").matches(Principal(kind: .apiKey, name: "ci-bot").id))
        #expect(!Glob("key:ci-*").matches(Principal(kind: .jwt, name: "ci-bot").id))
        #expect(Glob("jwt:*@example.com").matches(Principal(kind: .jwt, name: "alice@example.com").id))
        #expect(!Glob("jwt:*@example.com").matches(Principal(kind: .jwt, name: "alice@example.com.evil").id))
    }
}

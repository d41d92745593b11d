import Foundation
import Testing

/// `switchboard policy test` explains every decision of the governance matrix: the same
/// policy, keys and servers as `GovernanceInteropTests`, one start of the servers, each case
/// with the effect and the rule the live gateway applied.
@Suite struct PolicyTestCommandTests {
    /// (caller, virtual server, tool, arguments, effect, deciding rule: nil for the default).
    static let matrix: [(String, String?, String, String, String, String?)] = [
        ("agent", nil, "alpha__echo", #"{"text":"short"}"#, "allow", "agents-short-echo"),
        ("agent", nil, "alpha__echo", #"{"text":"far too long to pass"}"#, "deny", nil),
        ("agent", nil, "notes__add", #"{"a":5,"b":2}"#, "allow", "agents-small-sums"),
        ("agent", nil, "notes__add", #"{"a":500,"b":2}"#, "deny", nil),
        ("agent", nil, "alpha__summarize", #"{"text":"x"}"#, "deny", nil),
        ("agent", nil, "alpha__status", "{}", "allow", "agents-status"),
        ("reader", nil, "notes__now", "{}", "allow", "readers-read-only"),
        ("reader", nil, "alpha__echo", #"{"text":"hi"}"#, "deny", nil),
        ("admin", nil, "alpha__crash", "{}", "deny", "no-crash"),
        ("admin", nil, "alpha__echo", #"{"text":"anything long is fine here"}"#, "allow", "admins"),
        ("ops", "ops", "notes__echo", #"{"text":"hi"}"#, "allow", "admins"),
        ("ops", "ops", "alpha__echo", #"{"text":"hi"}"#, "deny", "admins"),
    ]

    @Test func explainsEveryDecisionOfTheMatrix() async throws {
        var fixture = try GovernanceFixture()
        defer { fixture.remove() }
        try fixture.createKey("reader", roles: ["reader"])
        try fixture.createKey("agent", roles: ["agent"])
        try fixture.createKey("admin", roles: ["admin"])
        try fixture.createKey("ops", roles: ["admin"], virtualServers: ["ops"])
        let alpha = GovernanceFixture.alpha
        let config = fixture.directory + "/switchboard.yaml"
        try """
            store: sqlite:switchboard.db
            servers:
              alpha:
                stdio: { command: "\(PeerEnvironment.python)", args: \(Self.yamlList(alpha.arguments)) }
              notes:
                stdio: { command: "\(PeerEnvironment.switchboardBinary)", args: [demo-server, --transport, stdio, --name, notes] }
            \(GovernanceFixture.yaml)
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let cases = Self.matrix.map { caller, virtualServer, tool, arguments, effect, _ in
            var object: [String: Any] = ["as": caller, "tool": tool, "expect": effect]
            object["args"] = try? JSONSerialization.jsonObject(with: Data(arguments.utf8))
            if let virtualServer { object["virtual_server"] = virtualServer }
            return object
        }
        let casesFile = fixture.directory + "/cases.json"
        try JSONSerialization.data(withJSONObject: cases).write(to: URL(fileURLWithPath: casesFile))

        let child = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["policy", "test", "--config", config, "--cases", casesFile, "--json"])
        let status = await child.wait(seconds: 120)
        #expect(status == 0, "every case gets its expected effect:\n\(child.standardOutput.suffix(3000))\n\(child.standardError.suffix(2000))")
        let results = try #require(try JSONSerialization.jsonObject(with: Data(child.standardOutput.utf8)) as? [[String: Any]])
        try #require(results.count == Self.matrix.count)
        for (result, row) in zip(results, Self.matrix) {
            let (caller, _, tool, _, _, rule) = row
            let label = "\(caller) → \(tool)"
            #expect(result["rule"] as? String == rule, "\(label): \(result["outcome"] ?? "")")
            #expect(result["principal"] as? String == "key:\(caller)", "\(label)")
            #expect((result["explanation"] as? String)?.isEmpty == false, "\(label)")
            let rules = result["rules"] as? [[String: Any]] ?? []
            #expect(rules.count == 6, "every rule is traced: \(label)")
            #expect(rules.filter { $0["decided"] as? Bool == true }.map { $0["id"] as? String } == (rule.map { [$0] } ?? []), "\(label)")
        }
        // Outside its virtual server a tool is refused whatever the rules say, and says so.
        #expect((results.last?["outcome"] as? String)?.contains("not part of virtual server ops") == true)
        #expect(results.last?["inVirtualServer"] as? Bool == false)
        // The hint rule reads the hints the demo server lists: the servers were asked.
        #expect(results[6]["listed"] as? Bool == true)
        #expect(!child.standardOutput.contains("sb_"), "no key text in the report")
    }

    static func yamlList(_ items: [String]) -> String {
        "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
    }
}

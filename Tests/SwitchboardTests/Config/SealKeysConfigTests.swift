import SwitchboardCore
import Testing

@testable import Switchboard

/// `sessions.seal_keys` and `sessions.max_lifetime`: secrets that must load, be checked, and
/// never be shown.
@Suite struct SealKeysConfigTests {
    static let newKey = "n3w-seal-key-with-at-least-32-characters"
    static let oldKey = "0ld-seal-key-with-at-least-32-characters"

    func parse(_ yaml: String, _ environment: [String: String] = [:]) throws(ConfigError) -> GatewayConfig {
        try ConfigLoader.parse(yaml: yaml, path: "switchboard.yaml", environment: environment)
    }

    @Test func defaultsToNoKeysAndADayOfLifetime() throws {
        let sessions = try parse("").sessions
        #expect(sessions.sealKeys.isEmpty)
        #expect(sessions.maxLifetime == .seconds(86_400))
        #expect(try parse("sessions:\n  seal_keys:\n").sessions.sealKeys.isEmpty)
    }

    @Test func loadsKeysInOrderFromTheEnvironment() throws {
        let yaml = "sessions:\n  seal_keys: [\"${NEW}\", \"${OLD}\"]\n  max_lifetime: 12h\n"
        let sessions = try parse(yaml, ["NEW": Self.newKey, "OLD": Self.oldKey]).sessions
        #expect(sessions.sealKeys.map(\.value) == [Self.newKey, Self.oldKey])
        #expect(sessions.maxLifetime == .seconds(12 * 3600))
    }

    @Test(arguments: [
        ("sessions:\n  seal_keys: [short]\n", [:], "switchboard.yaml:2: sessions.seal_keys[0]: a seal key needs at least 32 characters"),
        ("sessions:\n  seal_keys:\n    - \(newKey)\n    - \"${OLD}\"\n", ["OLD": "hunter2"], "switchboard.yaml:4: sessions.seal_keys[1]: a seal key needs at least 32 characters (from ${OLD})"),
        ("sessions:\n  seal_keys: \"\(newKey)\"\n", [:], "switchboard.yaml:2: sessions.seal_keys: expected a list, got a single value"),
        ("sessions:\n  seal_keys: [[a]]\n", [:], "switchboard.yaml:2: sessions.seal_keys[0]: expected a value, got a list"),
        ("sessions:\n  max_lifetime: 0s\n", [:], "switchboard.yaml:2: sessions.max_lifetime: must be longer than zero"),
    ] as [(String, [String: String], String)])
    func rejectsWithFileLineAndKey(_ yaml: String, _ environment: [String: String], _ prefix: String) {
        do {
            _ = try parse(yaml, environment)
            Issue.record("expected an error for \(yaml)")
        } catch {
            #expect(error.description.hasPrefix(prefix), "\(error)")
            #expect(!error.description.contains("hunter2") && !error.description.contains("short"), "\(error)")
        }
    }

    /// Whatever prints the config (a debug log, a crash report) shows no key.
    @Test func keysAreRedactedWhenPrinted() throws {
        let config = try parse("sessions:\n  seal_keys: [\"${NEW}\"]\n", ["NEW": Self.newKey])
        #expect(!"\(config)".contains(Self.newKey))
        #expect(!String(reflecting: config).contains(Self.newKey))
        var dumped = ""
        dump(config, to: &dumped)
        #expect(!dumped.contains(Self.newKey))
        #expect("\(config.sessions.sealKeys)" == "[<redacted>]")
    }
}

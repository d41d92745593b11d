import Foundation
import Testing

/// `switchboard credentials` end to end: the built binary against a store file beside a config.
@Suite struct CredentialsCommandTests {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static let token = "crm-upstream-token-5e1f0c77"
    static let config = """
        store: "sqlite:credentials.db"
        sessions:
          seal_keys: ["a seal key of at least thirty-two characters"]
        servers:
          crm:
            url: http://127.0.0.1:9/mcp
            credentials:
              delegated: {}
          plain:
            url: http://127.0.0.1:9/mcp

        """

    func makeConfig(_ text: String = config) throws -> (config: String, folder: String) {
        guard FileManager.default.isExecutableFile(atPath: PeerEnvironment.switchboardBinary) else {
            throw HarnessError("build the binary first (swift build)")
        }
        let folder = PeerEnvironment.temporaryFile("credentials")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let config = folder + "/switchboard.yaml"
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        try "\n  \(Self.token)\n".write(toFile: folder + "/token", atomically: true, encoding: .utf8)
        return (config, folder)
    }

    func credentials(_ arguments: [String], environment: [String: String] = [:]) async throws -> Run {
        let child = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["credentials"] + arguments, environment: environment)
        let status = await child.wait(seconds: 30)
        return Run(status: status, stdout: child.standardOutput, stderr: child.standardError)
    }

    @Test func setListRemove() async throws {
        let (config, folder) = try makeConfig()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let set = try await credentials([
            "set", "--config", config, "--server", "crm", "--principal", "key:alice", "--token-file", folder + "/token", "--expires", "30d",
        ])
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdout.contains("stored the delegated credential of key:alice for crm until"), "\(set.stdout)")
        let fromEnv = try await credentials(
            ["set", "--config", config, "--server", "crm", "--principal", "jwt:bob@example.com", "--token-env", "BOB_TOKEN"],
            environment: ["BOB_TOKEN": "bob-token-from-env"]
        )
        #expect(fromEnv.status == 0, "\(fromEnv.stderr)")

        let listed = try await credentials(["list", "--config", config])
        #expect(listed.status == 0, "\(listed.stderr)")
        let alice = try #require(listed.stdout.split(separator: "\n").first { $0.hasPrefix("key:alice") }, "\(listed.stdout)")
        #expect(alice.contains("crm") && alice.contains("active"), "\(alice)")
        let bob = try #require(listed.stdout.split(separator: "\n").first { $0.hasPrefix("jwt:bob@example.com") }, "\(listed.stdout)")
        #expect(bob.hasSuffix("-"), "no expiry: \(bob)")

        let json = try await credentials(["list", "--config", config, "--json"])
        #expect(json.status == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 2)
        let aliceRow = try #require(rows.first { $0["principal"] as? String == "key:alice" })
        #expect(aliceRow["server"] as? String == "crm")
        #expect(aliceRow["status"] as? String == "active")
        #expect(aliceRow["expires_at"] is String && aliceRow["created_at"] is String)
        #expect(rows.first { $0["principal"] as? String == "jwt:bob@example.com" }?["expires_at"] is NSNull)

        // No token anywhere: not on screen, not in the store's files.
        for run in [set, fromEnv, listed, json] {
            #expect(!run.stdout.contains(Self.token) && !run.stderr.contains(Self.token))
            #expect(!run.stdout.contains("bob-token-from-env"))
        }
        var bytes = Data()
        for suffix in ["", "-wal"] { bytes += FileManager.default.contents(atPath: folder + "/credentials.db" + suffix) ?? Data() }
        #expect(!bytes.isEmpty)
        #expect(bytes.range(of: Data(Self.token.utf8)) == nil && bytes.range(of: Data("bob-token-from-env".utf8)) == nil)

        let removed = try await credentials(["remove", "--config", config, "--server", "crm", "--principal", "key:alice"])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(removed.stdout.contains("removed the delegated credential of key:alice for crm"), "\(removed.stdout)")
        let again = try await credentials(["remove", "--config", config, "--server", "crm", "--principal", "key:alice"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("error: no delegated credential for key:alice on crm"), "\(again.stderr)")
        let after = try await credentials(["list", "--config", config])
        #expect(!after.stdout.contains("key:alice") && after.stdout.contains("jwt:bob@example.com"), "\(after.stdout)")
    }

    /// A token sealed with a key since removed from the config shows as unreadable.
    @Test func aRotatedAwayKeyShowsAsUnreadable() async throws {
        let (config, folder) = try makeConfig()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let set = try await credentials(["set", "--config", config, "--server", "crm", "--principal", "key:alice", "--token-file", folder + "/token"])
        #expect(set.status == 0, "\(set.stderr)")
        let rotated = Self.config.replacingOccurrences(of: "a seal key of at least thirty-two characters", with: "a brand new seal key, thirty-two characters long")
        try rotated.write(toFile: config, atomically: true, encoding: .utf8)
        let listed = try await credentials(["list", "--config", config])
        #expect(listed.stdout.split(separator: "\n").first { $0.hasPrefix("key:alice") }?.contains("unreadable") == true, "\(listed.stdout)")
    }

    @Test(arguments: [
        (["set", "--server", "plain", "--principal", "key:alice", "--token-env", "T"], 1, "server plain is not configured with credentials.delegated"),
        (["set", "--server", "nowhere", "--principal", "key:alice", "--token-env", "T"], 1, "no server named nowhere is in the config"),
        (["set", "--server", "crm", "--principal", "key:alice", "--token-env", "UNSET_VARIABLE_FOR_TEST"], 1, "$UNSET_VARIABLE_FOR_TEST is not set"),
        (["set", "--server", "crm", "--principal", "key:alice", "--token-env", "EMPTY"], 1, "the token is empty"),
        (["set", "--server", "crm", "--principal", "key:alice", "--token-env", "SPACED"], 1, "must travel in an HTTP header"),
        (["set", "--server", "crm", "--principal", "key:alice", "--token-file", "/nonexistent/token"], 1, "/nonexistent/token cannot be read"),
        (["set", "--server", "crm", "--principal", "key:alice"], 64, "--token-file PATH or --token-env NAME"),
        (["set", "--server", "crm", "--principal", "key:alice", "--token-env", "T", "--token-file", "x"], 64, "not both"),
        (["set", "--server", "crm", "--principal", "alice", "--token-env", "T"], 64, "--principal: expected a principal id KIND:NAME"),
        (["set", "--server", "crm", "--principal", "anonymous", "--token-env", "T"], 64, "anonymous callers all share one identity"),
        (["set", "--server", "crm", "--principal", "key:alice", "--token-env", "T", "--expires", "2001-01-01"], 64, "the expiry is in the past"),
        (["set", "--server", "crm", "--principal", "key:alice", "--token-env", "T", "--token", "x"], 64, "Unknown option '--token'"),
        (["remove", "--server", "crm"], 64, "--principal"),
    ] as [([String], Int32, String)])
    func refusals(arguments: [String], status: Int32, message: String) async throws {
        let (config, folder) = try makeConfig()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try await credentials(arguments + ["--config", config], environment: ["T": "a-token", "EMPTY": "  ", "SPACED": "two words"])
        #expect(run.status == status, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(!run.stderr.contains("a-token") && !run.stderr.contains("two words"))
        #expect(try await credentials(["list", "--config", config]).stdout.contains("no delegated credentials"))
    }

    /// Without `seal_keys`, the command seals with the key the store keeps, which the gateway
    /// on the same store uses too: the token it stores reads back as active.
    @Test func withoutSealKeysTheStoresKeyIsUsed() async throws {
        let (config, folder) = try makeConfig(Self.config.replacingOccurrences(of: "  seal_keys: [\"a seal key of at least thirty-two characters\"]\n", with: "  max_lifetime: 1h\n"))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try await credentials(["set", "--config", config, "--server", "crm", "--principal", "key:alice", "--token-env", "T"], environment: ["T": "x"])
        #expect(run.status == 0, "\(run.stderr)")
        let listed = try await credentials(["list", "--config", config])
        #expect(listed.stdout.contains("key:alice") && listed.stdout.contains("active"), "\(listed.stdout)")
    }

    @Test(arguments: [["--help"], ["set", "--help"], ["list", "--help"], ["remove", "--help"]])
    func everyCommandHasHelp(arguments: [String]) async throws {
        let run = try await credentials(arguments)
        #expect(run.status == 0)
        #expect(run.stdout.contains("USAGE: switchboard credentials"), "\(run.stdout)")
    }
}

import Foundation
import Testing

/// `switchboard keys` end to end: the built binary against a store file beside a config.
@Suite struct KeysCommandTests {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// A config naming a store beside it (relative, so the resolution against the config's
    /// folder is exercised too).
    func makeConfig(store: String = "sqlite:keys.db") throws -> (config: String, folder: String) {
        guard FileManager.default.isExecutableFile(atPath: PeerEnvironment.switchboardBinary) else {
            throw HarnessError("build the binary first (swift build)")
        }
        // A folder per test: the store file sits beside the config.
        let folder = PeerEnvironment.temporaryFile("keys")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let config = folder + "/switchboard.yaml"
        try "store: \"\(store)\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        return (config, folder)
    }

    func keys(_ arguments: [String]) async throws -> Run {
        let child = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["keys"] + arguments)
        let status = await child.wait(seconds: 30)
        return Run(status: status, stdout: child.standardOutput, stderr: child.standardError)
    }

    @Test func createListRevokeList() async throws {
        let (config, folder) = try makeConfig()
        let created = try await keys([
            "create", "--config", config, "--name", "ci-bot", "--role", "dev", "--role", "ci",
            "--tenant", "acme", "--virtual-server", "crm", "--expires", "30d",
        ])
        #expect(created.status == 0, "\(created.stderr)")
        // stdout is the key alone, so KEY=$(switchboard keys create …) works.
        let key = created.stdout.trimmingCharacters(in: .newlines)
        #expect(!key.contains("\n"))
        #expect(key.hasPrefix("sb_") && key.utf8.count == 59, "\(created.stdout)")
        let id = String(key.dropFirst(3).prefix(12))
        let secret = String(key.dropFirst(16))
        #expect(created.stderr.contains("not shown again"), "\(created.stderr)")
        #expect(created.stderr.contains("virtual server crm is not in the config"), "\(created.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder + "/keys.db"))

        let listed = try await keys(["list", "--config", config])
        #expect(listed.status == 0, "\(listed.stderr)")
        let row = try #require(listed.stdout.split(separator: "\n").first { $0.hasPrefix(id) }, "\(listed.stdout)")
        for cell in ["ci-bot", "active", "ci,dev", "acme", "crm"] { #expect(row.contains(cell), "\(row)") }
        #expect(!listed.stdout.contains(secret) && !listed.stderr.contains(secret))

        let json = try await keys(["list", "--config", config, "--json"])
        #expect(json.status == 0)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let object = try #require(array.first)
        #expect(object["id"] as? String == id)
        #expect(object["status"] as? String == "active")
        #expect(object["roles"] as? [String] == ["ci", "dev"])
        #expect(object["virtual_servers"] as? [String] == ["crm"])
        #expect(object["expires_at"] is String)
        #expect(object["key"] == nil && object["digest"] == nil)
        #expect(!json.stdout.contains(secret))

        let revoked = try await keys(["revoke", "--config", config, "ci-bot"])
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(revoked.stdout.contains("revoked key ci-bot (id \(id))"), "\(revoked.stdout)")
        let after = try await keys(["list", "--config", config])
        #expect(after.stdout.split(separator: "\n").first { $0.hasPrefix(id) }?.contains("revoked") == true, "\(after.stdout)")

        let again = try await keys(["revoke", "--config", config, id])
        #expect(again.status == 0)
        #expect(again.stdout.contains("already revoked"), "\(again.stdout)")
        let unknown = try await keys(["revoke", "--config", config, "nobody"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("error: no API key has the name or id nobody"), "\(unknown.stderr)")
    }

    @Test func createAsJSONCarriesTheKeyOnce() async throws {
        let (config, _) = try makeConfig()
        let created = try await keys(["create", "--config", config, "--name", "robot", "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])
        let key = try #require(object["key"] as? String)
        #expect(key.hasPrefix("sb_\(object["id"] as? String ?? "?")_"))
        #expect(object["virtual_servers"] is NSNull, "null means every virtual server")
        #expect(object["expires_at"] is NSNull)
        #expect(!created.stderr.contains(String(key.dropFirst(16))))

        let duplicate = try await keys(["create", "--config", config, "--name", "robot"])
        #expect(duplicate.status == 1)
        #expect(duplicate.stderr.contains("a key named robot already exists"), "\(duplicate.stderr)")
        #expect(duplicate.stdout.isEmpty)
    }

    @Test(arguments: [
        (["create"], "--name"),
        (["create", "--name", "bad name"], "a key name uses only"),
        (["create", "--name", "ok", "--role", ""], "a role cannot be empty"),
        (["create", "--name", "ok", "--expires", "soon"], "--expires: expected"),
        (["create", "--name", "ok", "--expires", "2001-01-01"], "the expiry is in the past"),
        (["revoke"], "name-or-id"),
        (["create", "--name", "ok", "--bogus"], "Unknown option '--bogus'"),
    ])
    func badArgumentsExitNonZero(arguments: [String], message: String) async throws {
        let (config, folder) = try makeConfig()
        let run = try await keys(arguments + ["--config", config])
        #expect(run.status == 64, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
        // Refused before the store was touched.
        #expect(!FileManager.default.fileExists(atPath: folder + "/keys.db"))
    }

    @Test func anInMemoryStoreIsRefused() async throws {
        let (config, _) = try makeConfig(store: "sqlite::memory:")
        let run = try await keys(["create", "--config", config, "--name", "lost"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("sqlite::memory:"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test func aPostgresStoreIsExplainedWithoutItsPassword() async throws {
        let (config, _) = try makeConfig(store: "postgres://admin:hunter2@db:5432/switchboard")
        let run = try await keys(["list", "--config", config])
        #expect(run.status == 1)
        #expect(run.stderr.contains("PostgreSQL store is not available yet; use sqlite:PATH"), "\(run.stderr)")
        #expect(!run.stderr.contains("hunter2"))
    }

    @Test(arguments: [["--help"], ["create", "--help"], ["list", "--help"], ["revoke", "--help"]])
    func everyCommandHasHelp(arguments: [String]) async throws {
        _ = try makeConfig()
        let run = try await keys(arguments)
        #expect(run.status == 0)
        #expect(run.stdout.contains("USAGE: switchboard keys"), "\(run.stdout)")
    }
}

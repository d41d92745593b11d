import Foundation
import Logging
import Synchronization
import Testing
@testable import Switchboard
import SwitchboardDataPlane
import SwitchboardStore

/// The delegated tokens in memory follow the store; the store holds ciphertext only; rows
/// that do not open are skipped with one warning.
@Suite struct DelegatedCredentialServiceTests {
    static let sealKey = "a seal key of at least thirty-two characters"
    static let aliceToken = "alice-upstream-token-7f3a9c"
    static let bobToken = "bob-upstream-token-41d2e8"

    /// Two stores on one file: the gateway's, and one standing for `switchboard credentials`.
    func withStores(_ body: (_ gateway: SQLiteStore, _ cli: SQLiteStore, _ path: String) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-delegated-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/switchboard.db"
        try await body(try SQLiteStore(url: "sqlite:" + path), try SQLiteStore(url: "sqlite:" + path), path)
    }

    var sealer: DelegatedCredentialSealer {
        get throws { try #require(DelegatedCredentialSealer(sealKeys: [Self.sealKey])) }
    }

    @Test func theDatabaseHoldsCiphertextOnly() async throws {
        try await withStores { gateway, cli, path in
            let sealer = try sealer
            for (principal, token) in [("key:alice", Self.aliceToken), ("key:bob", Self.bobToken)] {
                let sealed = sealer.seal(token, principal: principal, server: "crm", expiresAt: nil)
                try cli.setDelegated(principal: principal, server: "crm", sealed: sealed, expiresAt: nil)
            }
            let service = try DelegatedCredentialService(store: gateway, sealer: sealer, logger: Logger(label: "test"))
            #expect(service.credentials.token(principal: "key:alice", server: "crm") == Self.aliceToken)
            #expect(service.credentials.token(principal: "key:bob", server: "crm") == Self.bobToken)

            // Whatever SQLite wrote so far (the main file and the write-ahead log) has no token.
            var bytes = Data()
            for suffix in ["", "-wal", "-shm"] {
                bytes += FileManager.default.contents(atPath: path + suffix) ?? Data()
            }
            #expect(bytes.count > 0)
            for token in [Self.aliceToken, Self.bobToken] {
                #expect(bytes.range(of: Data(token.utf8)) == nil, "\(token) is on disk in clear")
            }
            #expect(bytes.range(of: Data("key:alice".utf8)) != nil, "the rows are there, by principal")
        }
    }

    @Test func aPollReloadsOnlyWhenTheStoreChanged() async throws {
        try await withStores { gateway, cli, _ in
            let sealer = try sealer
            let service = try DelegatedCredentialService(store: gateway, sealer: sealer, logger: Logger(label: "test"))
            var token = try gateway.changeToken()
            #expect(service.reloadIfChanged(since: token) == token)
            #expect(service.credentials.count == 0)

            let sealed = sealer.seal(Self.aliceToken, principal: "key:alice", server: "crm", expiresAt: nil)
            try cli.setDelegated(principal: "key:alice", server: "crm", sealed: sealed, expiresAt: nil)
            #expect(service.credentials.token(principal: "key:alice", server: "crm") == nil, "not before the poll")
            let moved = service.reloadIfChanged(since: token)
            #expect(moved != token)
            token = moved
            #expect(service.credentials.token(principal: "key:alice", server: "crm") == Self.aliceToken)

            #expect(try cli.removeDelegated(principal: "key:alice", server: "crm"))
            token = service.reloadIfChanged(since: token)
            #expect(service.credentials.token(principal: "key:alice", server: "crm") == nil)
            #expect(service.reloadIfChanged(since: token) == token)
        }
    }

    /// A sealed value copied onto another principal's or server's row, one sealed with a key no
    /// longer configured, or one altered: skipped, with one warning naming the row.
    @Test func rowsThatDoNotOpenAreSkippedWithOneWarning() async throws {
        try await withStores { gateway, cli, _ in
            let sealer = try sealer
            let alice = sealer.seal(Self.aliceToken, principal: "key:alice", server: "crm", expiresAt: nil)
            let other = try #require(DelegatedCredentialSealer(sealKeys: ["another seal key, thirty-two characters long"]))
            try cli.setDelegated(principal: "key:alice", server: "crm", sealed: alice, expiresAt: nil)
            try cli.setDelegated(principal: "key:mallory", server: "crm", sealed: alice, expiresAt: nil)
            try cli.setDelegated(principal: "key:alice", server: "billing", sealed: alice, expiresAt: nil)
            try cli.setDelegated(
                principal: "key:bob", server: "crm",
                sealed: other.seal(Self.bobToken, principal: "key:bob", server: "crm", expiresAt: nil), expiresAt: nil
            )
            // Expired rows are skipped quietly: nothing is wrong with them.
            let past = Date().addingTimeInterval(-60)
            try cli.setDelegated(principal: "key:old", server: "crm", sealed: "anything", expiresAt: past)

            let recorder = LogRecorder()
            let logger = Logger(label: "test") { _ in recorder }
            let service = try DelegatedCredentialService(store: gateway, sealer: sealer, logger: logger)
            #expect(service.credentials.count == 1)
            #expect(service.credentials.token(principal: "key:alice", server: "crm") == Self.aliceToken)
            #expect(service.credentials.token(principal: "key:mallory", server: "crm") == nil)
            #expect(service.credentials.token(principal: "key:alice", server: "billing") == nil)
            #expect(service.credentials.token(principal: "key:bob", server: "crm") == nil)

            let warnings = recorder.warnings
            #expect(Set(warnings.map { "\($0.principal) \($0.server)" }) == ["key:mallory crm", "key:alice billing", "key:bob crm"])
            #expect(warnings.count == 3)
            #expect(!recorder.everything.contains(Self.aliceToken) && !recorder.everything.contains(Self.bobToken))

            // A reload (any write) does not warn again about the same rows.
            try cli.setDelegated(principal: "key:carol", server: "crm", sealed: sealer.seal("c", principal: "key:carol", server: "crm", expiresAt: nil), expiresAt: nil)
            _ = service.reloadIfChanged(since: -1)
            #expect(service.credentials.token(principal: "key:carol", server: "crm") == "c")
            #expect(recorder.warnings.count == 3)
        }
    }

    /// The admin API's store: in force in this process at once, before any poll.
    @Test func adminWritesApplyAtOnce() async throws {
        try await withStores { gateway, cli, _ in
            let sealer = try sealer
            let service = try DelegatedCredentialService(store: gateway, sealer: sealer, logger: Logger(label: "test"))
            let admin = StoreAdminCredentials(store: gateway, sealer: sealer, credentials: service.credentials)
            let expiry = Date().addingTimeInterval(3600)
            try admin.setCredential(principal: "jwt:alice@example.com", server: "crm", token: Self.aliceToken, expiresAt: expiry)
            #expect(service.credentials.token(principal: "jwt:alice@example.com", server: "crm") == Self.aliceToken)
            let listed = try admin.listCredentials()
            #expect(listed.count == 1 && listed.first?.principal == "jwt:alice@example.com" && listed.first?.server == "crm")
            // Another process reads what was stored, sealed for that row.
            let row = try #require(try cli.delegatedEntries().first)
            #expect(row.sealed != Self.aliceToken)
            #expect(sealer.open(row.sealed, principal: row.principal, server: row.server) == Self.aliceToken)

            #expect(try admin.removeCredential(principal: "jwt:alice@example.com", server: "crm"))
            #expect(service.credentials.token(principal: "jwt:alice@example.com", server: "crm") == nil)
            #expect(try !admin.removeCredential(principal: "jwt:alice@example.com", server: "crm"))
        }
    }
}

/// Keeps what was logged, for checks on warnings and on what never appears.
final class LogRecorder: LogHandler, Sendable {
    struct Warning: Sendable {
        var principal: String
        var server: String
    }

    private let lines = Mutex<[(level: Logger.Level, text: String, metadata: [String: String])]>([])

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }

    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        let flat = (event.metadata ?? [:]).mapValues { "\($0)" }
        lines.withLock { $0.append((event.level, "\(event.message)", flat)) }
    }

    var warnings: [Warning] {
        lines.withLock { lines in
            lines.filter { $0.level == .warning }.map {
                Warning(principal: $0.metadata["switchboard.principal"] ?? "?", server: $0.metadata["switchboard.server"] ?? "?")
            }
        }
    }

    var everything: String {
        lines.withLock { $0.map { "\($0.text) \($0.metadata)" }.joined(separator: "\n") }
    }
}

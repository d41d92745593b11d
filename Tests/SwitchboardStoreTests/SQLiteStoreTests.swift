import Foundation
import GRDB
import Testing
@testable import SwitchboardIdentity
@testable import SwitchboardStore
import SwitchboardPolicy

@Suite struct SQLiteStoreTests {
    /// Runs `body` against a store of `kind`, removing any file afterwards.
    func withStore(_ kind: StoreKind, clock: TestClock = TestClock(), _ body: (SQLiteStore) throws -> Void) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = kind == .memory ? "sqlite::memory:" : "sqlite:" + folder.file("switchboard.db")
        try body(try SQLiteStore(url: url, now: clock.function))
    }

    @Test(arguments: StoreKind.allCases)
    func createListAndAuthenticate(kind: StoreKind) throws {
        let clock = TestClock()
        try withStore(kind, clock: clock) { store in
            let expiry = clock.now.addingTimeInterval(86_400)
            let created = try store.createKey(name: "ci-bot", roles: ["dev", "ci"], tenant: "acme", virtualServers: ["crm", "crm"], expiresAt: expiry)
            #expect(APIKeyFormat.isWellFormed(created.key))
            #expect(APIKeyFormat.keyID(in: created.key) == created.record.id)
            #expect(!"\(created)".contains(created.key))
            #expect(created.record.roles == ["ci", "dev"])
            #expect(created.record.virtualServers == ["crm"])
            #expect(created.record.createdAt == clock.now)
            #expect(created.record.expiresAt == expiry)
            #expect(created.record.status(at: clock.now) == .active)

            clock.advance(1)
            let all = try store.createKey(name: "all-servers", roles: [], tenant: nil, virtualServers: nil, expiresAt: nil)
            #expect(all.record.virtualServers == nil)
            #expect(all.record.principal.virtualServers == nil)

            #expect(try store.listKeys() == [created.record, all.record])
            let entries = try store.keyEntries()
            // The store keeps the digest of the key text, never the text.
            #expect(entries.map(\.digest) == [APIKeyDigest(of: created.key), APIKeyDigest(of: all.key)])
            let directory = KeyDirectory(entries: entries)
            #expect(directory.authenticate(created.key, now: clock.now) == .valid(created.record))
        }
    }

    @Test func theFileHoldsNoKeyText() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("keys.db")
        let created = try SQLiteStore(url: "sqlite:" + path).createKey(name: "k", roles: [], tenant: nil, virtualServers: nil, expiresAt: nil)
        let secret = String(created.key.dropFirst(16))
        for file in [path, path + "-wal"] {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            #expect(!String(decoding: data, as: UTF8.self).contains(secret), "\(file)")
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func reopeningKeepsKeysAndMigratesOnce() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = "sqlite:" + folder.file("switchboard.db")
        let created = try SQLiteStore(url: url).createKey(name: "k", roles: ["r"], tenant: nil, virtualServers: nil, expiresAt: nil)
        for _ in 0..<3 {
            let reopened = try SQLiteStore(url: url)
            #expect(try reopened.listKeys() == [created.record])
            let migrations = try reopened.writer.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
            #expect(migrations == ["v1 api_keys", "v2 delegated_credentials", "v3 store_generation", "v4 audit_records", "v5 guard_pins", "v6 approvals", "v7 approval_terms", "v8 seal_keys"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func namesAreUniqueUntilRevoked(kind: StoreKind) throws {
        let clock = TestClock()
        try withStore(kind, clock: clock) { store in
            let first = try store.createKey(name: "ci-bot", roles: [], tenant: nil, virtualServers: nil, expiresAt: nil)
            let duplicate = #expect(throws: StoreError.self) {
                try store.createKey(name: "ci-bot", roles: [], tenant: nil, virtualServers: nil, expiresAt: nil)
            }
            #expect(duplicate?.code == .duplicateName)
            #expect(duplicate?.message.contains(first.record.id) == true)

            clock.advance(10)
            let revoked = try #require(try store.revokeKey(nameOrID: "ci-bot"))
            #expect(revoked.newlyRevoked)
            #expect(revoked.record.id == first.record.id)
            #expect(revoked.record.revokedAt == clock.now)

            clock.advance(10)
            let second = try store.createKey(name: "ci-bot", roles: [], tenant: nil, virtualServers: nil, expiresAt: nil)
            #expect(second.record.id != first.record.id)
            #expect(try store.listKeys().map { $0.status(at: clock.now) } == [.revoked, .active])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func revokeByIDByNameTwiceAndUnknown(kind: StoreKind) throws {
        let clock = TestClock()
        try withStore(kind, clock: clock) { store in
            let a = try store.createKey(name: "a", roles: [], tenant: nil, virtualServers: nil, expiresAt: nil)
            // A name that looks like an id does not shadow the id of another key.
            let lookalike = try store.createKey(name: a.record.id, roles: [], tenant: nil, virtualServers: nil, expiresAt: nil)
            clock.advance(1)
            let byID = try #require(try store.revokeKey(nameOrID: a.record.id))
            #expect(byID.record.name == "a" && byID.newlyRevoked)
            let byName = try #require(try store.revokeKey(nameOrID: a.record.id))
            #expect(byName.record.id == lookalike.record.id && byName.newlyRevoked)

            clock.advance(1)
            let again = try #require(try store.revokeKey(nameOrID: "a"))
            #expect(!again.newlyRevoked)
            #expect(again.record.revokedAt == clock.now.addingTimeInterval(-1))
            #expect(try store.revokeKey(nameOrID: "nobody") == nil)
            #expect(try store.revokeKey(nameOrID: "zzzzzzzzzzzz") == nil)
        }
    }

    @Test func expiryIsStoredAndJudgedAtReadTime() throws {
        let clock = TestClock()
        try withStore(.file, clock: clock) { store in
            let created = try store.createKey(name: "short", roles: [], tenant: nil, virtualServers: nil, expiresAt: clock.now.addingTimeInterval(60))
            let directory = KeyDirectory(entries: try store.keyEntries())
            #expect(directory.authenticate(created.key, now: clock.now.addingTimeInterval(59)) == .valid(created.record))
            #expect(directory.authenticate(created.key, now: clock.now.addingTimeInterval(60)) == .expired(created.record))
            let past = #expect(throws: StoreError.self) {
                try store.createKey(name: "late", roles: [], tenant: nil, virtualServers: nil, expiresAt: clock.now)
            }
            #expect(past?.code == .invalidInput)
        }
    }

    @Test(arguments: [
        ("bad name", ["r"], "acme", ["crm"] as [String]?, "a key name uses only"),
        ("", [], nil, nil, "a key name cannot be empty"),
        ("ok", ["has space"], nil, nil, "a role uses only"),
        ("ok", [], "", nil, "a tenant cannot be empty"),
        ("ok", [], nil, ["crm/x"], "a virtual server uses only"),
        ("ok", [], nil, [], "would allow none"),
    ])
    func invalidInputIsRefused(name: String, roles: [String], tenant: String?, virtualServers: [String]?, message: String) throws {
        try withStore(.memory) { store in
            let error = #expect(throws: StoreError.self) {
                try store.createKey(name: name, roles: roles, tenant: tenant, virtualServers: virtualServers, expiresAt: nil)
            }
            #expect(error?.code == .invalidInput)
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
            let keys = try store.listKeys()
            #expect(keys.isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func usesOnlyMoveForward(kind: StoreKind) throws {
        let clock = TestClock()
        try withStore(kind, clock: clock) { store in
            let a = try store.createKey(name: "a", roles: [], tenant: nil, virtualServers: nil, expiresAt: nil)
            let b = try store.createKey(name: "b", roles: [], tenant: nil, virtualServers: nil, expiresAt: nil)
            let later = clock.now.addingTimeInterval(30), earlier = clock.now.addingTimeInterval(10)
            try store.recordKeyUses([a.record.id: later, "unknownid234": later])
            try store.recordKeyUses([a.record.id: earlier, b.record.id: earlier])
            try store.recordKeyUses([:])
            let used = try store.listKeys().map(\.lastUsedAt)
            #expect(used == [later, earlier])
        }
    }

    @Test func changeTokenMovesOnOwnWritesAndOtherConnections() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = "sqlite:" + folder.file("switchboard.db")
        let gateway = try SQLiteStore(url: url)
        let cli = try SQLiteStore(url: url)  // stands for `switchboard keys` in another process

        let t0 = try gateway.changeToken()
        #expect(try gateway.changeToken() == t0, "no write, no change")
        _ = try gateway.createKey(name: "own", roles: [], tenant: nil, virtualServers: nil, expiresAt: nil)
        let t1 = try gateway.changeToken()
        #expect(t1 != t0)
        #expect(try gateway.changeToken() == t1)

        _ = try cli.createKey(name: "other", roles: [], tenant: nil, virtualServers: nil, expiresAt: nil)
        let t2 = try gateway.changeToken()
        #expect(t2 != t1, "a commit by another connection is seen")
        #expect(try gateway.changeToken() == t2)
        #expect(Set(try gateway.listKeys().map(\.name)) == ["own", "other"])

        _ = try cli.revokeKey(nameOrID: "own")
        #expect(try gateway.changeToken() != t2)
    }

    @Test func changeTokenInMemoryCountsOwnWrites() throws {
        let store = try SQLiteStore(url: "sqlite::memory:")
        let t0 = try store.changeToken()
        #expect(try store.changeToken() == t0)
        _ = try store.createKey(name: "k", roles: [], tenant: nil, virtualServers: nil, expiresAt: nil)
        let t1 = try store.changeToken()
        #expect(t1 != t0)
        #expect(try store.revokeKey(nameOrID: "k")?.newlyRevoked == true)
        #expect(try store.changeToken() != t1)
    }

    @Test(arguments: [
        ("postgres://user:hunter2@db:5432/switchboard", "PostgreSQL store is not available yet; use sqlite:PATH"),
        ("postgresql://db/switchboard", "PostgreSQL store is not available yet; use sqlite:PATH"),
        ("mysql://db", "unknown store URL"),
        ("sqlite:", "the path is missing"),
    ])
    func unsupportedURLsAreRefusedWithoutQuotingThem(url: String, message: String) {
        let error = #expect(throws: StoreError.self) { try SQLiteStore(url: url) }
        #expect(error?.code == .unsupportedStore)
        #expect(error?.message.contains(message) == true)
        #expect(error?.message.contains("hunter2") == false)
    }

    @Test func aMissingFolderOrANonDatabaseFileIsExplained() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let missing = #expect(throws: StoreError.self) { try SQLiteStore(url: "sqlite:" + folder.file("nope/switchboard.db")) }
        #expect(missing?.code == .unavailable)
        #expect(missing?.message.contains("does not exist") == true)

        let garbage = folder.file("garbage.db")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: garbage))
        let notADatabase = #expect(throws: StoreError.self) { try SQLiteStore(url: "sqlite:" + garbage) }
        #expect(notADatabase?.code == .unavailable)
        #expect(notADatabase?.message.hasPrefix("cannot open the store sqlite:" + garbage) == true, "\(notADatabase?.message ?? "")")
    }
}

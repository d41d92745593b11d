import Foundation
import Logging
import Synchronization
import Testing
@testable import Switchboard
import SwitchboardIdentity
import SwitchboardStore
import SwitchboardTesting
import SwitchboardAudit
import SwitchboardDataPlane

@Suite struct KeyDirectoryServiceTests {
    let logger = Logger(label: "test")

    func withStores(_ body: (_ gateway: SQLiteStore, _ cli: SQLiteStore) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-keys-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let url = "sqlite:" + folder + "/switchboard.db"
        // Two stores on one file: the gateway's, and one standing for `switchboard keys`.
        try await body(try SQLiteStore(url: url), try SQLiteStore(url: url))
    }

    @Test func initLoadsBeforeReturning() async throws {
        try await withStores { gateway, cli in
            let created = try cli.createKey(name: "early", roles: [], tenant: nil, virtualServers: nil, expiresAt: nil)
            let service = try KeyDirectoryService(store: gateway, logger: logger)
            #expect(service.directory.authenticate(created.key) == .valid(created.record))
        }
    }

    @Test func aPollReloadsOnlyWhenTheStoreChanged() async throws {
        try await withStores { gateway, cli in
            let service = try KeyDirectoryService(store: gateway, logger: logger)
            var token = try gateway.changeToken()
            #expect(service.reloadIfChanged(since: token) == token)

            let created = try cli.createKey(name: "late", roles: ["dev"], tenant: nil, virtualServers: nil, expiresAt: nil)
            #expect(service.directory.authenticate(created.key) == .unknown)
            let moved = service.reloadIfChanged(since: token)
            #expect(moved != token)
            token = moved
            #expect(service.directory.authenticate(created.key) == .valid(created.record))

            let revoked = try #require(try cli.revokeKey(nameOrID: "late"))
            token = service.reloadIfChanged(since: token)
            #expect(service.directory.authenticate(created.key) == .revoked(revoked.record))
            #expect(service.reloadIfChanged(since: token) == token)
        }
    }

    @Test func keysCreatedAndRevokedElsewhereAreOnTheTrail() async throws {
        try await withStores { gateway, cli in
            let journalFolder = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-keys-audit-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: journalFolder) }
            let journal = try AuditJournal(.init(directory: journalFolder))
            let audit = CallAudit(journal: journal, digester: AuditDigester(key: Array(repeating: 7, count: 32)), failClosed: true, logger: logger)
            _ = try cli.createKey(name: "before", roles: [], tenant: nil, virtualServers: nil, expiresAt: nil)
            let service = try KeyDirectoryService(store: gateway, logger: logger, audit: audit)
            var token = try gateway.changeToken()
            let created = try cli.createKey(name: "ci-bot", roles: ["dev", "ci"], tenant: "acme", virtualServers: nil, expiresAt: nil)
            token = service.reloadIfChanged(since: token)
            _ = try cli.revokeKey(nameOrID: "ci-bot")
            token = service.reloadIfChanged(since: token)
            // Made by this gateway's admin API: in its directory before the poll sees the store.
            let admin = try gateway.createKey(name: "by-admin", roles: [], tenant: nil, virtualServers: nil, expiresAt: nil)
            service.directory.replace(with: try gateway.keyEntries())
            _ = service.reloadIfChanged(since: token)
            journal.close()
            let records = try AuditReader(directory: journalFolder, after: 0).next(limit: 100).filter { $0.event?.hasPrefix("key.") == true }
            #expect(records.map(\.event) == ["key.created", "key.revoked", "key.created"], "the key loaded at start is not a change")
            #expect(records.last?["detail"] == "key:by-admin id \(admin.record.id)")
            #expect(records.first?["detail"] == "key:ci-bot id \(created.record.id) roles ci,dev tenant acme")
            #expect(records[1]["detail"] == "key:ci-bot id \(created.record.id)")
            #expect(records.allSatisfy { $0["principal"] == nil }, "who acted is not known to the store")
        }
    }

    @Test func usesAreWrittenBack() async throws {
        try await withStores { gateway, cli in
            let created = try cli.createKey(name: "busy", roles: [], tenant: nil, virtualServers: nil, expiresAt: nil)
            let service = try KeyDirectoryService(store: gateway, logger: logger)
            let usedAt = Date(timeIntervalSince1970: 1_900_000_000)
            #expect(service.directory.authenticate(created.key, now: usedAt) == .valid(created.record))
            service.flushUses()
            #expect(try cli.listKeys().first?.lastUsedAt == usedAt)
            #expect(service.directory.takeUses().isEmpty)
        }
    }

    @Test func aFailingStoreKeepsTheKeysItHad() throws {
        let store = FlakyStore()
        let service = try KeyDirectoryService(store: store, logger: logger)
        let key = store.key
        #expect(service.directory.authenticate(key).isValid)
        store.failing.store(true, ordering: .relaxed)
        #expect(service.reloadIfChanged(since: -1) == -1)
        #expect(service.directory.authenticate(key).isValid)
    }

    /// The service's own loop: a key created elsewhere becomes usable within a few polls,
    /// and the uses noted are written when the service ends.
    @Test func runPicksUpChangesAndFlushesAtTheEnd() async throws {
        try await withStores { gateway, cli in
            let service = try KeyDirectoryService(store: gateway, logger: logger, reloadInterval: .milliseconds(10), flushInterval: .seconds(3600))
            let task = Task { try await service.run() }
            let created = try cli.createKey(name: "live", roles: [], tenant: nil, virtualServers: nil, expiresAt: nil)
            try? await eventually("the new key") { service.directory.authenticate(created.key).isValid }
            #expect(service.directory.authenticate(created.key).isValid)
            task.cancel()
            try await task.value
            #expect(try cli.listKeys().first?.lastUsedAt != nil)
        }
    }
}

extension KeyLookup {
    var isValid: Bool {
        if case .valid = self { return true }
        return false
    }
}

/// A store holding one key whose reads can be made to fail.
final class FlakyStore: APIKeyStore {
    let failing = Atomic<Bool>(false)
    let key: String
    private let entry: APIKeyEntry

    init() {
        let (id, key) = APIKeyFormat.newKey()
        self.key = key
        entry = APIKeyEntry(digest: APIKeyDigest(of: key), record: APIKeyRecord(id: id, name: "flaky", createdAt: Date()))
    }

    private func check() throws(StoreError) {
        if failing.load(ordering: .relaxed) { throw StoreError(.database, "disk on fire") }
    }

    func createKey(name: String, roles: [String], tenant: String?, virtualServers: [String]?, expiresAt: Date?) throws(StoreError) -> CreatedAPIKey {
        throw StoreError(.database, "read-only")
    }
    func listKeys() throws(StoreError) -> [APIKeyRecord] { try check(); return [entry.record] }
    func revokeKey(nameOrID: String) throws(StoreError) -> (record: APIKeyRecord, newlyRevoked: Bool)? { try check(); return nil }
    func recordKeyUses(_ uses: [String: Date]) throws(StoreError) { try check() }
    func keyEntries() throws(StoreError) -> [APIKeyEntry] { try check(); return [entry] }
    func changeToken() throws(StoreError) -> Int64 { try check(); return 0 }
}

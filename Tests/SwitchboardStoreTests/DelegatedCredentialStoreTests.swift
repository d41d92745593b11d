import Foundation
import GRDB
import SwitchboardIdentity
import Testing
@testable import SwitchboardStore

/// `delegated_credentials`: one opaque sealed string per principal and server, listed without
/// it, replaced in place, removed, and seen by another connection through the change token.
@Suite struct DelegatedCredentialStoreTests {
    func withStore(_ kind: StoreKind, clock: TestClock = TestClock(), _ body: (SQLiteStore, String?) throws -> Void) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = kind == .memory ? "sqlite::memory:" : "sqlite:" + folder.file("switchboard.db")
        try body(try SQLiteStore(url: url, now: clock.function), kind == .memory ? nil : url)
    }

    @Test(arguments: StoreKind.allCases)
    func setListReplaceRemove(kind: StoreKind) throws {
        let clock = TestClock()
        try withStore(kind, clock: clock) { store, _ in
            #expect(try store.listDelegated().isEmpty)
            let expiry = clock.now.addingTimeInterval(3600)
            try store.setDelegated(principal: "key:bob", server: "crm", sealed: "sealed-bob", expiresAt: expiry)
            let bobCreated = clock.now
            clock.advance(1)
            try store.setDelegated(principal: "key:alice", server: "crm", sealed: "sealed-alice-1", expiresAt: nil)
            try store.setDelegated(principal: "key:alice", server: "billing", sealed: "sealed-alice-billing", expiresAt: nil)

            // By server, then principal; never the sealed value.
            #expect(try store.listDelegated() == [
                DelegatedCredentialRecord(principal: "key:alice", server: "billing", createdAt: clock.now, expiresAt: nil),
                DelegatedCredentialRecord(principal: "key:alice", server: "crm", createdAt: clock.now, expiresAt: nil),
                DelegatedCredentialRecord(principal: "key:bob", server: "crm", createdAt: bobCreated, expiresAt: expiry),
            ])
            #expect(try store.delegatedEntries().map(\.sealed) == ["sealed-alice-billing", "sealed-alice-1", "sealed-bob"])

            // Setting again replaces the row: one per pair, with the new time and expiry.
            clock.advance(1)
            let later = clock.now.addingTimeInterval(60)
            try store.setDelegated(principal: "key:alice", server: "crm", sealed: "sealed-alice-2", expiresAt: later)
            let alice = try #require(try store.delegatedEntries().first { $0.principal == "key:alice" && $0.server == "crm" })
            #expect(alice == SealedDelegatedCredential(principal: "key:alice", server: "crm", sealed: "sealed-alice-2", expiresAt: later))
            #expect(try store.listDelegated().count == 3)
            #expect(try store.listDelegated().first { $0.principal == "key:alice" && $0.server == "crm" }?.createdAt == clock.now)

            #expect(try store.removeDelegated(principal: "key:alice", server: "crm"))
            #expect(try !store.removeDelegated(principal: "key:alice", server: "crm"), "removing twice finds nothing")
            #expect(try !store.removeDelegated(principal: "key:nobody", server: "crm"))
            #expect(try store.delegatedEntries().map(\.principal) == ["key:alice", "key:bob"])
        }
    }

    @Test func emptyPartsAreRefused() throws {
        try withStore(.memory) { store, _ in
            for (principal, server, sealed) in [("", "crm", "x"), ("key:a", "", "x"), ("key:a", "crm", "")] {
                #expect(throws: StoreError.self) { try store.setDelegated(principal: principal, server: server, sealed: sealed, expiresAt: nil) }
            }
        }
    }

    /// The gateway polls the change token: a write by another process (the CLI) moves it.
    @Test func anotherConnectionsWriteMovesTheChangeToken() throws {
        try withStore(.file) { gateway, url in
            let cli = try SQLiteStore(url: try #require(url))
            let before = try gateway.changeToken()
            try cli.setDelegated(principal: "key:alice", server: "crm", sealed: "s", expiresAt: nil)
            let afterSet = try gateway.changeToken()
            #expect(afterSet != before)
            #expect(try gateway.delegatedEntries().map(\.sealed) == ["s"])
            #expect(try cli.removeDelegated(principal: "key:alice", server: "crm"))
            #expect(try gateway.changeToken() != afterSet)
            #expect(try gateway.delegatedEntries().isEmpty)
        }
    }

    /// A store written before this table existed gains it when opened, keys kept.
    @Test func theMigrationAddsTheTableToAnExistingStore() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("switchboard.db")
        do {
            let old = try DatabaseQueue(path: path)
            try StoreMigrations.migrator.migrate(old, upTo: "v1 api_keys")
            try old.write { db in
                try db.execute(
                    sql: "INSERT INTO api_keys (id, name, digest, created_at) VALUES ('abc', 'old', ?, ?)",
                    arguments: [String(repeating: "ab", count: 32), Date()]
                )
            }
            #expect(try old.read { db in try db.tableExists("delegated_credentials") } == false)
        }
        let store = try SQLiteStore(url: "sqlite:" + path)
        #expect(try store.listKeys().map(\.name) == ["old"])
        try store.setDelegated(principal: "key:old", server: "crm", sealed: "s", expiresAt: nil)
        #expect(try store.listDelegated().count == 1)
    }
}

import Foundation
import Testing
@testable import SwitchboardIdentity
import SwitchboardPolicy

@Suite struct KeyDirectoryTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// A key text and its entry, as the store would hand it over.
    func makeKey(
        name: String,
        roles: [String] = ["dev"],
        virtualServers: [String]? = nil,
        expiresAt: Date? = nil,
        revokedAt: Date? = nil
    ) -> (key: String, entry: APIKeyEntry) {
        let (id, key) = APIKeyFormat.newKey()
        let record = APIKeyRecord(
            id: id, name: name, roles: roles, tenant: "acme", virtualServers: virtualServers,
            createdAt: t0, expiresAt: expiresAt, revokedAt: revokedAt
        )
        return (key, APIKeyEntry(digest: APIKeyDigest(of: key), record: record))
    }

    @Test func aValidKeyYieldsItsRecordAndPrincipal() throws {
        let ci = makeKey(name: "ci-bot", roles: ["dev", "ci", "dev"], virtualServers: ["crm"])
        let directory = KeyDirectory(entries: [ci.entry])
        guard case .valid(let record) = directory.authenticate(ci.key, now: t0) else {
            Issue.record("expected .valid")
            return
        }
        #expect(record.id == ci.entry.record.id)
        #expect(record.principal == Principal(kind: .apiKey, name: "ci-bot", roles: ["ci", "dev"], tenant: "acme", virtualServers: ["crm"]))
        #expect(record.principal.id == "key:ci-bot")
        #expect(record.roles == ["ci", "dev"])
    }

    @Test func everyOutcome() {
        let active = makeKey(name: "active")
        let revoked = makeKey(name: "revoked", revokedAt: t0.addingTimeInterval(-10))
        let expired = makeKey(name: "expired", expiresAt: t0)
        let revokedAndExpired = makeKey(name: "both", expiresAt: t0.addingTimeInterval(-5), revokedAt: t0.addingTimeInterval(-10))
        let stranger = makeKey(name: "stranger")
        let directory = KeyDirectory(entries: [active.entry, revoked.entry, expired.entry, revokedAndExpired.entry])

        #expect(directory.authenticate(active.key, now: t0) == .valid(active.entry.record))
        #expect(directory.authenticate(revoked.key, now: t0) == .revoked(revoked.entry.record))
        // Expiry is inclusive: at the instant of expiry the key no longer works.
        #expect(directory.authenticate(expired.key, now: t0) == .expired(expired.entry.record))
        #expect(directory.authenticate(expired.key, now: t0.addingTimeInterval(-1)) == .valid(expired.entry.record))
        #expect(directory.authenticate(revokedAndExpired.key, now: t0) == .revoked(revokedAndExpired.entry.record))
        #expect(directory.authenticate(stranger.key, now: t0) == .unknown)
        // Same id, different secret: a forged key.
        let forged = String(active.key.prefix(16)) + String(repeating: "A", count: 43)
        #expect(directory.authenticate(forged, now: t0) == .unknown)
        for malformed in ["", "sb_", active.key + "x", String(active.key.dropLast()), "Bearer " + active.key] {
            #expect(directory.authenticate(malformed, now: t0) == .unknown)
        }
        #expect(directory.authenticate(Substring(" " + active.key).dropFirst(), now: t0) == .valid(active.entry.record))
    }

    @Test func onlySuccessfulUsesAreNotedAndDrained() {
        let a = makeKey(name: "a"), b = makeKey(name: "b"), gone = makeKey(name: "gone", revokedAt: t0)
        let directory = KeyDirectory(entries: [a.entry, b.entry, gone.entry])
        _ = directory.authenticate(a.key, now: t0)
        _ = directory.authenticate(a.key, now: t0.addingTimeInterval(5))
        _ = directory.authenticate(b.key, now: t0.addingTimeInterval(1))
        _ = directory.authenticate(gone.key, now: t0.addingTimeInterval(2))
        _ = directory.authenticate("sb_nonsense", now: t0)
        #expect(directory.takeUses() == [a.entry.record.id: t0.addingTimeInterval(5), b.entry.record.id: t0.addingTimeInterval(1)])
        #expect(directory.takeUses().isEmpty)
    }

    /// Connections remember a key for as long as the generation they read stays current:
    /// every reload and every revoke must move it, and nothing else may.
    @Test func everyChangeMovesTheGeneration() {
        let a = makeKey(name: "a")
        let directory = KeyDirectory(entries: [a.entry])
        let first = directory.generation
        _ = directory.authenticate(a.key, now: t0)
        directory.noteUse(id: a.entry.record.id, at: t0)
        #expect(directory.generation == first)
        directory.replace(with: [a.entry])
        let reloaded = directory.generation
        #expect(reloaded != first)
        directory.revokeNow(id: a.entry.record.id, at: t0)
        #expect(directory.generation != reloaded)
    }

    /// A busy key's use is noted once a second, not on every request.
    @Test func usesAreNotedOnceASecond() {
        let a = makeKey(name: "a")
        let directory = KeyDirectory(entries: [a.entry])
        _ = directory.authenticate(a.key, now: t0)
        #expect(directory.takeUses() == [a.entry.record.id: t0])
        _ = directory.authenticate(a.key, now: t0.addingTimeInterval(0.5))
        #expect(directory.takeUses().isEmpty)
        _ = directory.authenticate(a.key, now: t0.addingTimeInterval(1))
        #expect(directory.takeUses() == [a.entry.record.id: t0.addingTimeInterval(1)])
    }

    @Test func replaceSwapsTheWholeSnapshot() {
        let old = makeKey(name: "old"), new = makeKey(name: "new")
        let directory = KeyDirectory(entries: [old.entry])
        directory.replace(with: [new.entry])
        #expect(directory.authenticate(old.key, now: t0) == .unknown)
        #expect(directory.authenticate(new.key, now: t0) == .valid(new.entry.record))
        #expect(directory.records.map(\.name) == ["new"])

        var revokedRecord = new.entry.record
        revokedRecord.revokedAt = t0
        directory.replace(with: [APIKeyEntry(digest: new.entry.digest, record: revokedRecord)])
        #expect(directory.authenticate(new.key, now: t0) == .revoked(revokedRecord))
    }

    @Test func revokeNowHoldsUntilTheStoreShowsTheRevoke() {
        let key = makeKey(name: "k")
        let directory = KeyDirectory(entries: [key.entry])
        #expect(directory.revokeNow(id: key.entry.record.id, at: t0))
        guard case .revoked = directory.authenticate(key.key, now: t0) else {
            Issue.record("expected .revoked right after revokeNow")
            return
        }
        // A reload that read the store just before the revoke was written must not revive it.
        directory.replace(with: [key.entry])
        guard case .revoked(let held) = directory.authenticate(key.key, now: t0) else {
            Issue.record("a stale reload revived a revoked key")
            return
        }
        #expect(held.revokedAt == t0)
        // Once the store shows the revoke, its own time is what the directory holds.
        var stored = key.entry.record
        stored.revokedAt = t0.addingTimeInterval(1)
        directory.replace(with: [APIKeyEntry(digest: key.entry.digest, record: stored)])
        #expect(directory.authenticate(key.key, now: t0) == .revoked(stored))
        #expect(!directory.revokeNow(id: "zzzzzzzzzzzz", at: t0))
    }
}

import Foundation
import SwitchboardCore
import SwitchboardGuards
import Testing

@testable import SwitchboardStore

/// The approval queue in the store: a request comes back as saved; a decision needs a reason,
/// is made once, never on an expired request, and moves the store's generation (so a running
/// gateway sees it); an unknown id is named.
@Suite struct ApprovalStoreTests {
    static func request(expiresIn seconds: TimeInterval = 900, terms: ApprovalTerms = .init()) -> ApprovalRecord {
        let now = Date()
        return ApprovalRecord(
            id: ApprovalRecord.newID(), principal: "key:ana", server: "ops", tool: "ops__restart", argumentsDigest: "9f2c", summary: "Arguments: host (text of 3 characters)",
            rule: "restarts", session: "s-1", createdAt: now, expiresAt: now.addingTimeInterval(seconds), terms: terms
        )
    }

    @Test func aDecisionIsMadeOnceWithAReasonAndMovesTheGeneration() throws {
        let store = try SQLiteStore(url: "sqlite::memory:")
        let record = Self.request()
        try store.saveApproval(record)
        let loaded = try #require(try store.approval(id: record.id))
        #expect(loaded.id == record.id && loaded.summary == record.summary && loaded.state == .pending && loaded.session == "s-1")
        #expect(try store.approvals(state: .pending).map(\.id) == [record.id])

        let before = try store.changeToken()
        #expect(throws: StoreError.self) { try store.decideApproval(id: record.id, approve: true, by: "cli:ops", reason: " ", scope: nil) }
        let approved = try store.decideApproval(id: record.id, approve: true, by: "cli:ops", reason: "ticket OPS-42", scope: .session)
        #expect(approved.state == .approved && approved.scope == .session && approved.decidedBy == "cli:ops")
        #expect(try store.changeToken() != before)
        let again = #expect(throws: StoreError.self) { try store.decideApproval(id: record.id, approve: false, by: "cli:ops", reason: "no", scope: nil) }
        #expect(again?.code == .conflict)
        let missing = #expect(throws: StoreError.self) { try store.decideApproval(id: "apr_nope", approve: true, by: "cli:ops", reason: "x", scope: nil) }
        #expect(missing?.code == .notFound)
    }

    @Test func anExpiredRequestCannotBeDecided() throws {
        let store = try SQLiteStore(url: "sqlite::memory:")
        let record = Self.request(expiresIn: -1)
        try store.saveApproval(record)
        let error = #expect(throws: StoreError.self) { try store.decideApproval(id: record.id, approve: true, by: "cli:ops", reason: "late", scope: nil) }
        #expect(error?.message.contains("expired") == true)
    }

    /// A two-person rule: the first approval leaves the request pending (and moves the
    /// generation, so the gateway records it); the same person twice, or the caller, does not
    /// count; the second person's approval decides; anyone's denial ends it.
    @Test func aTwoPersonRuleNeedsTwoOtherPeople() throws {
        let store = try SQLiteStore(url: "sqlite::memory:")
        let record = Self.request(terms: ApprovalTerms(approvers: 2, via: .console))
        try store.saveApproval(record)
        #expect(try store.approval(id: record.id)?.terms == ApprovalTerms(approvers: 2, via: .console))

        let own = #expect(throws: StoreError.self) { try store.decideApproval(id: record.id, approve: true, by: "admin:key:ana", reason: "mine", scope: nil) }
        #expect(own?.code == .conflict && own?.message.contains("own call") == true)
        let before = try store.changeToken()
        let first = try store.decideApproval(id: record.id, approve: true, by: "admin:key:bo", reason: "CHG-7", scope: nil)
        #expect(first.state == .pending && first.approvedBy == ["admin:key:bo"] && first.decidedBy == nil)
        #expect(try store.changeToken() != before)
        // The gateway writing its copy (a spend, an expiry) never takes an approver back.
        try store.saveApproval(record)
        #expect(try store.approval(id: record.id)?.approvedBy == ["admin:key:bo"])
        let twice = #expect(throws: StoreError.self) { try store.decideApproval(id: record.id, approve: true, by: "admin:key:bo", reason: "again", scope: nil) }
        #expect(twice?.code == .conflict && twice?.message.contains("1 more") == true)

        let second = try store.decideApproval(id: record.id, approve: true, by: "cli:carol", reason: "CHG-7 seen", scope: nil)
        #expect(second.state == .approved && second.approvedBy == ["admin:key:bo", "cli:carol"] && second.decidedBy == "cli:carol")
        #expect(try store.approval(id: record.id)?.approvedBy == ["admin:key:bo", "cli:carol"])

        let other = Self.request(terms: ApprovalTerms(approvers: 2, via: .console))
        try store.saveApproval(other)
        _ = try store.decideApproval(id: other.id, approve: true, by: "admin:key:bo", reason: "ok", scope: nil)
        let denied = try store.decideApproval(id: other.id, approve: false, by: "cli:carol", reason: "not now", scope: nil)
        #expect(denied.state == .denied && denied.decidedBy == "cli:carol")
    }
}

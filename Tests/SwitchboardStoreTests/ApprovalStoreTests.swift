import Foundation
import SwitchboardGuards
import Testing

@testable import SwitchboardStore

/// The approval queue in the store: a request comes back as saved; a decision needs a reason,
/// is made once, never on an expired request, and moves the store's generation (so a running
/// gateway sees it); an unknown id is named.
@Suite struct ApprovalStoreTests {
    static func request(expiresIn seconds: TimeInterval = 900) -> ApprovalRecord {
        let now = Date()
        return ApprovalRecord(
            id: ApprovalRecord.newID(), principal: "key:ana", server: "ops", tool: "ops__restart", argumentsDigest: "9f2c", summary: "Arguments: host (text of 3 characters)",
            rule: "restarts", session: "s-1", createdAt: now, expiresAt: now.addingTimeInterval(seconds)
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
}

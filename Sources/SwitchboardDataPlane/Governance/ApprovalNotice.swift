import Foundation
import NIOCore
import SwitchboardCore
package import SwitchboardGuards

/// What a caller is told about a call held for approval: its approval id, where it stands,
/// and how it moves on; built from the queue's record, never from upstream text.
package struct ApprovalNotice: Sendable, Equatable {
    package var record: ApprovalRecord
    package var policyVersion: String
    /// The console's page for the request, when its rule is decided there.
    package var page: String?

    package init(_ record: ApprovalRecord, policyVersion: String, page: String? = nil) {
        self.record = record
        self.policyVersion = policyVersion
        self.page = page
    }

    var message: String {
        switch record.state {
        case .denied:
            return "Approval denied for \(record.tool) by \(record.decidedBy ?? "an approver")" + (record.reason.map { ": \($0)" } ?? "")
        default:
            let who = record.terms.approvers > 1
                ? "\(record.terms.approvers) approvers other than \(record.principal) (\(record.approvedBy.count) so far)" : "a human"
            let where_ = page.map { "in the console, \($0), or with switchboard approvals approve \(record.id)" } ?? "switchboard approvals approve \(record.id)"
            return "Approval required for \(record.tool)" + (record.rule.map { " (rule \($0))" } ?? "")
                + ": approval \(record.id) waits for \(who) (\(where_)); call again once it is approved"
        }
    }

    var data: ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.field("reason", record.state == .denied ? "approval_denied" : "approval_required")
        w.field("approvalId", record.id)
        w.field("state", record.state.rawValue)
        w.field("rule", record.rule ?? "default")
        w.field("policyVersion", policyVersion)
        w.field("expiresAt", ISO8601DateFormatter().string(from: record.expiresAt))
        if let by = record.decidedBy { w.field("decidedBy", by) }
        if record.terms.approvers > 1 {
            w.key("approvers")
            w.int(record.terms.approvers)
            w.key("approvedBy")
            w.beginArray()
            for approver in record.approvedBy { w.string(approver) }
            w.endArray()
        }
        if let page { w.field("url", page) }
        w.endObject()
        return w.buffer
    }
}

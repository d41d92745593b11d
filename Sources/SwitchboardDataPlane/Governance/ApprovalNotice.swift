import Foundation
package import NIOCore
import SwitchboardCore
package import SwitchboardGuards

/// What a caller is told about a call held for approval: its approval id, where it stands,
/// and how it moves on; built from the queue's record, never from upstream text.
package struct ApprovalNotice: Sendable, Equatable {
    package var record: ApprovalRecord
    package var policyVersion: String

    package init(_ record: ApprovalRecord, policyVersion: String) {
        self.record = record
        self.policyVersion = policyVersion
    }

    var message: String {
        switch record.state {
        case .denied:
            return "Approval denied for \(record.tool) by \(record.decidedBy ?? "an approver")" + (record.reason.map { ": \($0)" } ?? "")
        default:
            return "Approval required for \(record.tool)" + (record.rule.map { " (rule \($0))" } ?? "")
                + ": approval \(record.id) waits for a human (switchboard approvals approve \(record.id)); call again once it is approved"
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
        w.endObject()
        return w.buffer
    }
}

import NIOCore
import SwitchboardCore
package import SwitchboardGuards

/// Why a tool is hidden and its calls refused, told to the caller (never the upstream text):
/// its state, its pins and the rules that flagged it, and where an operator approves it.
package struct Quarantine: Sendable, Equatable {
    package var server: String
    package var tool: String
    /// The name the caller used (`{server}__{tool}`).
    package var federatedName: String
    package var state: PinRecord.State
    package var pin: String
    package var approvedPin: String?
    package var rules: [String]

    package init(_ record: PinRecord, federatedName: String) {
        server = record.server
        tool = record.name
        self.federatedName = federatedName
        state = record.state
        pin = record.seen.id
        approvedPin = record.approved?.id
        rules = Array(Set(record.findings.filter { $0.severity == .high }.map(\.rule))).sorted()
    }

    var message: String {
        let why: String
        switch state {
        case .pending: why = rules.isEmpty ? "is new and waits for approval" : "is new and was flagged (\(rules.joined(separator: ", ")))"
        case .drifted: why = "changed since it was approved (pin \(pin), approved \(approvedPin ?? "-"))"
        case .rejected: why = "was rejected by an operator"
        case .approved: why = "is approved"
        }
        return "Tool quarantined: \(federatedName) \(why); an operator reviews it with switchboard pins diff \(server) \(tool)"
    }

    var data: ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.field("reason", "quarantined")
        w.field("server", server)
        w.field("tool", tool)
        w.field("state", state.rawValue)
        w.field("pin", pin)
        if let approvedPin { w.field("approvedPin", approvedPin) }
        w.key("rules")
        w.beginArray()
        for rule in rules { w.string(rule) }
        w.endArray()
        w.endObject()
        return w.buffer
    }
}

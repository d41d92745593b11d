package import NIOCore
import SwitchboardCore

extension PinRecord {
    /// The pin as `switchboard pins list --json` prints it and the admin API answers it:
    /// `server`, `kind`, `name`, `state`, `pin`, `approved_pin`, `verdict`, `removed`,
    /// `decided_by`, `reason`, `findings` (rule, family, severity, path, excerpt).
    package func json() -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.field("server", server)
        w.field("kind", kind.rawValue)
        w.field("name", name)
        w.field("state", state.rawValue)
        w.field("pin", seen.hash)
        if let approved { w.field("approved_pin", approved.hash) }
        w.field("verdict", verdict.rawValue)
        w.field("removed", removed)
        if let decidedBy { w.field("decided_by", decidedBy) }
        if let reason { w.field("reason", reason) }
        GuardFinding.write(findings, into: &w)
        w.endObject()
        return w.buffer
    }
}

package import NIOCore
package import SwitchboardCore

extension GuardReport {
    /// `scan --json`: `{"servers": {"NAME": [{"name", "verdict", "findings": [{"rule",
    /// "family", "severity", "path", "excerpt"}]}]}, "rules_version": "…"}`, tools first in
    /// each server's list; prompts, resources and instructions follow with a `kind`.
    package func json() -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.key("servers")
        w.beginObject()
        for server in servers {
            w.key(server.name)
            w.beginArray()
            for item in server.items.sorted(by: { ($0.kind == .tool ? 0 : 1) < ($1.kind == .tool ? 0 : 1) }) {
                w.beginObject()
                w.field("name", item.name)
                if item.kind != .tool { w.field("kind", item.kind.rawValue) }
                w.field("verdict", item.verdict.rawValue)
                GuardFinding.write(item.findings, into: &w)
                w.endObject()
            }
            w.endArray()
        }
        w.endObject()
        w.field("rules_version", rulesVersion)
        w.endObject()
        return w.buffer
    }

    /// The worst verdict of any definition.
    package var worst: GuardVerdict {
        servers.flatMap(\.items).map(\.verdict).max() ?? .clean
    }
}

extension GuardFinding {
    /// `"findings": [{"rule", "family", "severity", "path", "excerpt"}]`, as `scan --json`,
    /// `pins list --json` and the admin API write them.
    package static func write(_ findings: [GuardFinding], into w: inout JSONWriter) {
        w.key("findings")
        w.beginArray()
        for finding in findings {
            w.beginObject()
            w.field("rule", finding.rule)
            w.field("family", finding.family.rawValue)
            w.field("severity", finding.severity.rawValue)
            w.field("path", finding.path)
            w.field("excerpt", finding.excerpt)
            w.endObject()
        }
        w.endArray()
    }
}

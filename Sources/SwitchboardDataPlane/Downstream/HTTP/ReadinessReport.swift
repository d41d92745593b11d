import SwitchboardUpstream
package import NIOCore
import SwitchboardCore

/// `/readyz` body: the gateway is ready to serve as soon as it listens (one server down
/// never makes the whole gateway unready); the per-server state is there for operators.
/// `detailed` adds each server's era, its own name and version and its configured labels, for the admin API's
/// `/servers` (behind the admin role, unlike `/readyz`).
package enum ReadinessReport {
    package static func render(_ gateway: Gateway, detailed: Bool = false) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.field("status", "ready")
        w.key("servers")
        w.beginArray()
        for server in gateway.servers.all {
            let status = server.status
            w.beginObject()
            w.field("name", status.name)
            w.field("transport", status.transport)
            w.field("state", status.phase.label)
            if let v = status.protocolVersion { w.field("protocolVersion", v) }
            if detailed, let era = status.era { w.field("era", era.rawValue) }
            if detailed, let info = status.serverInfo { w.field("serverInfo", info) }
            if detailed, !server.config.labels.isEmpty {
                w.key("labels")
                w.beginObject()
                for (key, value) in server.config.labels.sorted(by: { $0.key < $1.key }) { w.field(key, value) }
                w.endObject()
            }
            w.field("restarts", status.restarts)
            if let e = status.lastError { w.field("lastError", e) }
            if let connection = status.connection { w.field("connection", connection) }
            if let oauth = status.oauth { w.field("oauth", oauth) }
            if status.verificationOff { w.field("warning", "TLS certificate verification is off (tls.insecure_skip_verify)") }
            w.endObject()
        }
        w.endArray()
        w.field("sessions", gateway.sessions.count)
        w.endObject()
        var out = w.buffer
        out.writeString("\n")
        return out
    }
}

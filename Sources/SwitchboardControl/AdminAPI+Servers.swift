import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardCore
import SwitchboardDataPlane
import SwitchboardUpstream
import SwitchboardPolicy

/// What the gateway serves, on the admin API (and the console's overview, catalogue and
/// connections pages):
/// - `GET /admin/v1/me` → the caller as the gateway sees it (kind, name, roles, tenant).
/// - `GET /admin/v1/servers` → each server's state, transport, protocol revision and era,
///   restarts, last error, how it is reached (TLS, proxy) and its OAuth connection; open
///   client sessions.
/// - `GET /admin/v1/catalogue?as=&principal=&roles=&tenant=&virtualServer=` → the tools that
///   caller sees, after its virtual server and the policy's hiding (as `switchboard tools list`).
extension AdminAPI {
    static func principalObject(_ principal: Principal) -> [String: Any] {
        [
            "id": principal.id, "kind": principal.kind.rawValue, "name": principal.name, "roles": principal.roles.sorted(),
            "tenant": principal.tenant as Any, "virtualServers": principal.virtualServers.map { $0.sorted() } as Any,
        ]
    }

    func serversObject() -> [String: Any] {
        let servers: [[String: Any]] = gateway.servers.all.map { server in
            let status = server.status
            return [
                "name": status.name, "transport": status.transport, "state": status.phase.label,
                "protocolVersion": status.protocolVersion as Any, "era": status.era?.rawValue as Any, "serverInfo": status.serverInfo as Any,
                "restarts": status.restarts, "lastError": status.lastError as Any, "connection": status.connection as Any,
                "oauth": status.oauth as Any,
                "warning": status.verificationOff ? "TLS certificate verification is off (tls.insecure_skip_verify)" : NSNull(),
            ]
        }
        return ["servers": servers, "sessions": gateway.sessions.count]
    }

    func catalogue(query: Substring, on loop: any EventLoop) -> EventLoopFuture<Reply> {
        var object: [String: Any] = [:]
        for (name, value) in Self.queryPairs(query) {
            switch name {
            case "as", "principal", "tenant", "virtualServer": object[name] = value
            case "roles": object[name] = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            default:
                return loop.makeSucceededFuture(Self.error(.badRequest, "unknown parameter \(name); expected as, principal, roles, tenant, virtualServer"))
            }
        }
        let principal: Principal
        switch caller(object) {
        case .success(let found): principal = found
        case .failure(let refusal): return loop.makeSucceededFuture(refusal.reply)
        }
        var virtualServer: String?
        if let name = object["virtualServer"] as? String, !name.isEmpty {
            guard let known = gateway.governance.virtualServer(named: Substring(name)) else {
                return loop.makeSucceededFuture(Self.error(.notFound, "no virtual server is named \(name)"))
            }
            virtualServer = known
        }
        let chosen = virtualServer
        return gateway.visibleTools(principal: principal, virtualServer: chosen, on: loop).map { tools in
            let listed = tools.map { tool in (try? JSONSerialization.jsonObject(with: Data(tool.bytes.readableBytesView))) ?? [:] }
            return Self.json(.ok, ["principal": principal.id, "virtualServer": chosen as Any, "tools": listed])
        }
    }

    /// A query string's `name=value` pairs, percent-decoded (`+` is a space), in order.
    static func queryPairs(_ query: Substring) -> [(String, String)] {
        query.split(separator: "&").filter { !$0.isEmpty }.map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = parts.count > 1 ? (String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "") : ""
            return (String(parts[0]), value)
        }
    }
}

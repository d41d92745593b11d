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
/// - `GET /admin/v1/servers` → `/readyz`'s report with each server's era and name and version
///   added (`ReadinessReport`): state, transport, protocol revision, restarts, last error, how
///   it is reached (TLS, proxy), its OAuth connection; open client sessions.
/// - `GET /admin/v1/catalogue?as=&principal=&roles=&tenant=&virtualServer=` → the tools that
///   caller sees, after its virtual server and the policy's hiding (as `switchboard tools list`).
extension AdminAPI {
    static func principalObject(_ principal: Principal) -> [String: Any] {
        [
            "id": principal.id, "kind": principal.kind.rawValue, "name": principal.name, "roles": principal.roles.sorted(),
            "tenant": principal.tenant as Any, "virtualServers": principal.virtualServers.map { $0.sorted() } as Any,
        ]
    }

    func catalogue(query: Substring, on loop: any EventLoop) -> EventLoopFuture<Reply> {
        var object: [String: Any] = [:]
        for (name, value) in QueryString.pairs(query) {
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
        let named = (object["virtualServer"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        let virtualServer = named.flatMap { gateway.governance.virtualServer(named: Substring($0)) }
        if let named, virtualServer == nil {
            return loop.makeSucceededFuture(Self.error(.notFound, "no virtual server is named \(named)"))
        }
        return gateway.visibleTools(principal: principal, virtualServer: virtualServer, on: loop).map { tools in
            let listed = tools.map { tool in (try? JSONSerialization.jsonObject(with: Data(tool.bytes.readableBytesView))) ?? [:] }
            return Self.json(.ok, ["principal": principal.id, "virtualServer": virtualServer as Any, "tools": listed])
        }
    }
}

import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardDataPlane
import SwitchboardCore
import SwitchboardIdentity

/// `/admin/v1/credentials`: the delegated tokens of servers configured with
/// `credentials.delegated`. A token is accepted and never returned.
///
/// - `GET /admin/v1/credentials` — principal, server, created, expires of each.
/// - `PUT /admin/v1/credentials` — `{"principal","server","token","expires"}` → 204.
/// - `DELETE /admin/v1/credentials/{server}/{principal}` → 204, or 404 when none is stored
///   (the principal id percent-encoded where it needs to be, e.g. `jwt:a%2Fb`).
extension AdminAPI {
    func serveCredentials(_ method: HTTPMethod, route: Substring, body: ByteBuffer, on loop: any EventLoop) -> EventLoopFuture<Reply> {
        guard let store = credentials else {
            return loop.makeSucceededFuture(Self.error(.notFound, "no server is configured with credentials.delegated"))
        }
        switch (method, route) {
        case (.GET, "credentials"):
            return storeCall(loop, failure: .internalServerError) {
                let rows = try store.listCredentials().map(Self.credentialObject)
                return Self.json(.ok, rows)
            }
        case (.PUT, "credentials"):
            return putCredential(body, store: store, on: loop)
        case (.DELETE, _) where route.hasPrefix("credentials/"):
            let rest = route.dropFirst("credentials/".count)
            guard let slash = rest.firstIndex(of: "/"), let server = rest[..<slash].removingPercentEncoding,
                let principal = rest[rest.index(after: slash)...].removingPercentEncoding, !server.isEmpty, !principal.isEmpty
            else {
                return loop.makeSucceededFuture(Self.error(.notFound, "expected /admin/v1/credentials/{server}/{principal}"))
            }
            return storeCall(loop, failure: .internalServerError) {
                guard try store.removeCredential(principal: principal, server: server) else {
                    return Self.error(.notFound, "no delegated credential for \(principal) on \(server)")
                }
                return HTTPReply(.noContent, body: ByteBuffer())
            }
        default:
            return loop.makeSucceededFuture(Self.error(.notFound, "no such admin endpoint"))
        }
    }

    private func putCredential(_ body: ByteBuffer, store: any AdminCredentialStore, on loop: any EventLoop) -> EventLoopFuture<Reply> {
        let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        guard let object, let principal = object["principal"] as? String, let server = object["server"] as? String,
            let token = object["token"] as? String
        else {
            return loop.makeSucceededFuture(Self.error(.badRequest, "expected a JSON object with \"principal\", \"server\" and \"token\""))
        }
        if let problem = DelegatedCredentialRules.problem(withPrincipal: principal) {
            return loop.makeSucceededFuture(Self.error(.badRequest, "principal: \(problem)"))
        }
        guard delegatedServers.contains(server) else {
            return loop.makeSucceededFuture(Self.error(.badRequest, "server: no server named \(server) is configured with credentials.delegated"))
        }
        if let problem = DelegatedCredentialRules.problem(withToken: token) {
            return loop.makeSucceededFuture(Self.error(.badRequest, "token: \(problem)"))
        }
        let expiresAt: Date?
        switch Self.expiry(object) {
        case .success(let date): expiresAt = date
        case .failure(let refusal): return loop.makeSucceededFuture(refusal.reply)
        }
        let expiry = expiresAt
        return storeCall(loop, failure: .internalServerError) {
            try store.setCredential(principal: principal, server: server, token: token, expiresAt: expiry)
            return HTTPReply(.noContent, body: ByteBuffer())
        }
    }

    static func credentialObject(_ row: (principal: String, server: String, createdAt: Date, expiresAt: Date?)) -> [String: Any] {
        let iso = ISO8601DateFormatter()
        return [
            "principal": row.principal, "server": row.server, "createdAt": iso.string(from: row.createdAt),
            "expiresAt": row.expiresAt.map { iso.string(from: $0) as Any } ?? NSNull(),
        ]
    }
}

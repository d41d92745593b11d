import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardCore
import SwitchboardGuards
import SwitchboardPolicy

/// `/admin/v1/approvals`: the calls a policy holds for a human (`require_approval`).
///
/// - `GET /admin/v1/approvals?state=pending|approved|denied|used|expired|all` — newest first
///   (pending by default).
/// - `POST /admin/v1/approvals/{id}/approve` — `{"reason", "scope"?}` → the record; the
///   caller's identical call then goes through (once, unless `scope` is `session` or `hour`).
/// - `POST /admin/v1/approvals/{id}/deny` — `{"reason"}` → the record.
///
/// 404 for an unknown id, 409 for one decided already or expired, 400 without a reason. The
/// decision is recorded as made by the admin caller (`approval.changed`, `admin.action`).
extension AdminAPI {
    func serveApprovals(_ method: HTTPMethod, route: Substring, uri: String, body: ByteBuffer, caller: Principal, on loop: any EventLoop) -> EventLoopFuture<Reply> {
        guard let store = approvals else {
            return loop.makeSucceededFuture(Self.error(.notFound, "the approval queue needs a store"))
        }
        switch (method, route) {
        case (.GET, "approvals"):
            let state = QueryString.value("state", in: Self.query(uri)) ?? "pending"
            guard state == "all" || ApprovalRecord.State(rawValue: state) != nil else {
                return loop.makeSucceededFuture(Self.error(.badRequest, "state: one of pending, approved, denied, used, expired, all"))
            }
            return storeCall(loop, failure: .internalServerError) {
                let now = Date()
                return Self.json(.ok, try store.approvals(state: ApprovalRecord.State(rawValue: state)).map { $0.jsonObject(now: now) })
            }
        case (.POST, _) where route.hasPrefix("approvals/"):
            let parts = route.dropFirst("approvals/".count).split(separator: "/")
            guard parts.count == 2, parts[1] == "approve" || parts[1] == "deny" else {
                return loop.makeSucceededFuture(Self.error(.notFound, "expected /admin/v1/approvals/{id}/approve or /deny"))
            }
            let object = Self.object(body) ?? [:]
            guard let reason = Self.reason(object) else {
                return loop.makeSucceededFuture(Self.error(.badRequest, "expected a JSON object with a \"reason\" (it is recorded in the audit trail)"))
            }
            var scope: ApprovalRecord.Scope?
            if let text = object["scope"] as? String {
                guard let parsed = ApprovalRecord.Scope(rawValue: text) else {
                    return loop.makeSucceededFuture(Self.error(.badRequest, "scope: one of once, session, hour"))
                }
                scope = parsed
            }
            let (id, approve, decidedScope) = (String(parts[0]), parts[1] == "approve", scope)
            return storeCall(loop, failure: .internalServerError) {
                do {
                    let record = try store.decide(id: id, approve: approve, by: "admin:" + caller.id, reason: reason, scope: decidedScope)
                    return Self.json(.ok, record.jsonObject(now: Date()))
                } catch AdminApprovalError.notFound(let message) {
                    return Self.error(.notFound, message)
                } catch AdminApprovalError.conflict(let message) {
                    return Self.error(.conflict, message)
                } catch AdminApprovalError.invalid(let message) {
                    return Self.error(.badRequest, message)
                }
            }
        default:
            return loop.makeSucceededFuture(Self.error(.notFound, "no such admin endpoint"))
        }
    }
}

import Foundation
package import NIOCore
package import NIOHTTP1
import NIOPosix
package import SwitchboardDataPlane
package import SwitchboardCore
import SwitchboardAudit
import SwitchboardIdentity
package import SwitchboardPolicy

/// `/admin/v1/…` on the data-plane listener: the policy in force, dry runs, and API keys.
/// Control-plane traffic (Foundation JSON, store calls off the event loop); callers need the
/// admin role (`auth.admin_roles`), or no `auth` at all on a loopback-only gateway.
///
/// - `GET /admin/v1/policy` — version, default, rule ids, virtual servers.
/// - `POST /admin/v1/policy/test` — `{"tool", "arguments", "as" | "principal"+"roles"+"tenant",
///   "virtualServer"}` → the decision and every rule's evaluation.
/// - `GET /admin/v1/keys`, `POST /admin/v1/keys` (`{"name","roles","tenant","virtualServers",
///   "expires"}`; the key is in the answer, once), `DELETE /admin/v1/keys/{name-or-id}`.
/// - `/admin/v1/credentials`: delegated tokens (`AdminAPI+Credentials`).
/// - `/admin/v1/approvals`: the human approval queue (`AdminAPI+Approvals`).
/// - `/admin/v1/pins`: the guards' pinned definitions, reviewed and decided (`AdminAPI+Pins`).
/// - `GET /admin/v1/me`, `/servers`, `/catalogue`: the caller, the servers, the catalogue as
///   one caller sees it (`AdminAPI+Servers`).
/// - `/admin/v1/audit`: the trail searched, its sinks, its chain checked (`AdminAPI+Audit`).
/// - `GET /admin/v1/openapi.json`: all of the above in OpenAPI 3.1 (`AdminAPI+OpenAPI`).
/// - `/console`: the web console, a page over this API (`AdminAPI+Console`).
package final class AdminAPI: ControlRoutes {
    typealias Reply = HTTPReply

    let gateway: Gateway
    /// Who may use the API (`auth.admin_roles`), and the in-memory keys it revokes at once.
    let authentication: CallerAuthentication
    private let keys: (any AdminKeyStore)?
    /// The delegated tokens' store (nil when no server is configured with `credentials.delegated`).
    let credentials: (any AdminCredentialStore)?
    /// Servers a delegated token may be stored for.
    let delegatedServers: Set<String>
    let maxJSONDepth: Int
    /// The audit trail (nil when `audit` is off).
    let audit: (any AdminAuditTrail)?
    /// The approval queue (nil without a store).
    let approvals: (any AdminApprovalStore)?
    /// The guards' pins (nil without a store).
    let pins: (any AdminPinStore)?
    /// `console.enabled`, and its single sign-on (nil without `console.oidc`).
    let consoleEnabled: Bool
    let signIn: ConsoleSignIn?

    package init(
        gateway: Gateway, config: GatewayConfig, authentication: CallerAuthentication, keys: (any AdminKeyStore)?,
        credentials: (any AdminCredentialStore)?, audit: (any AdminAuditTrail)? = nil, approvals: (any AdminApprovalStore)? = nil,
        pins: (any AdminPinStore)? = nil, signIn: ConsoleSignIn? = nil
    ) {
        self.audit = audit
        self.approvals = approvals
        self.pins = pins
        self.consoleEnabled = config.console.enabled
        self.signIn = signIn
        self.gateway = gateway
        self.authentication = authentication
        self.keys = keys
        self.credentials = credentials
        self.delegatedServers = Set(config.servers.filter { $0.credentials?.isDelegated == true }.map(\.name))
        self.maxJSONDepth = config.limits.maxJSONDepth
    }

    package func serve(_ head: HTTPRequestHead, path: Substring, body: ByteBuffer, caller: Principal, on loop: any EventLoop) -> EventLoopFuture<HTTPReply> {
        guard authentication.isAdmin(caller) else {
            return loop.makeSucceededFuture(Self.error(.forbidden, "the admin API needs one of the roles \(authentication.adminRoles.sorted())"))
        }
        let reply = route(head, path: path, body: body, caller: caller, on: loop)
        // Every change made through the API is on the trail, with who made it and how it went
        // (reads and dry runs are not: they change nothing).
        guard head.method != .GET, !Self.readsOnly.contains(path.dropFirst(GatewayPath.controlPrefix.count)), let audit = gateway.calls.audit else {
            return reply
        }
        let action = "\(head.method.rawValue) \(path)"
        return reply.map { answer in
            audit.gatewayEvent(.adminAction, principal: caller, method: action, outcome: String(answer.status.code))
            return answer
        }
    }

    /// Routes that take a body but change nothing (dry runs): not admin actions.
    static let readsOnly: Set<Substring> = ["policy/test"]

    private func route(_ head: HTTPRequestHead, path: Substring, body: ByteBuffer, caller: Principal, on loop: any EventLoop) -> EventLoopFuture<HTTPReply> {
        let route = path.dropFirst(GatewayPath.controlPrefix.count)
        switch (head.method, route) {
        case (.GET, "openapi.json"):
            return loop.makeSucceededFuture(HTTPReply(.ok, body: ByteBuffer(string: Self.openAPIDocument)))
        case (.GET, "policy"):
            return loop.makeSucceededFuture(Self.json(.ok, policySummary()))
        case (.POST, "policy/test"):
            return loop.makeSucceededFuture(policyTest(body))
        case (.GET, "keys"):
            return keyStoreCall(loop) { store in Self.json(.ok, try store.listKeys().map(Self.keyObject)) }
        case (.POST, "keys"):
            return createKey(body, on: loop)
        case (.DELETE, _) where route.hasPrefix("keys/") && route.count > 5:
            let nameOrID = String(route.dropFirst(5))
            return keyStoreCall(loop) { store in
                guard let record = try store.revokeKey(nameOrID: nameOrID) else { return Self.error(.notFound, "no API key has that name or id") }
                // In force at once in this process; other replicas see it with the store.
                _ = self.authentication.keys?.revokeNow(id: record.id)
                return Self.json(.ok, Self.keyObject(record))
            }
        case (_, _) where route == "credentials" || route.hasPrefix("credentials/"):
            return serveCredentials(head.method, route: route, body: body, on: loop)
        case (_, _) where route == "approvals" || route.hasPrefix("approvals/"):
            return serveApprovals(head.method, route: route, uri: head.uri, body: body, caller: caller, on: loop)
        case (_, _) where route == "pins" || route.hasPrefix("pins/"):
            return servePins(head.method, route: route, uri: head.uri, body: body, caller: caller, on: loop)
        case (.GET, "me"):
            return loop.makeSucceededFuture(Self.json(.ok, Self.principalObject(caller)))
        case (.GET, "servers"):
            return loop.makeSucceededFuture(HTTPReply(.ok, body: ReadinessReport.render(gateway, detailed: true)))
        case (.GET, "catalogue"):
            return catalogue(query: Self.query(head.uri), on: loop)
        case (.GET, "audit"), (.GET, "audit/sinks"), (.GET, "audit/verify"):
            return serveAudit(route, query: Self.query(head.uri), on: loop)
        default:
            return loop.makeSucceededFuture(Self.error(.notFound, "no such admin endpoint"))
        }
    }

    private func policySummary() -> [String: Any] {
        let rules = gateway.governance.current
        return [
            "version": rules.policy.version,
            "default": rules.policy.defaultEffect.rawValue,
            "rules": rules.policy.ruleIDs,
            "virtualServers": rules.virtualServers.names,
        ]
    }

    private func policyTest(_ body: ByteBuffer) -> Reply {
        guard let object = Self.object(body), let tool = object["tool"] as? String else {
            return Self.error(.badRequest, "expected a JSON object with \"tool\"")
        }
        let principal: Principal
        switch caller(object) {
        case .success(let spelled): principal = spelled
        case .failure(let refusal): return refusal.reply
        }
        var arguments: ByteBuffer?
        if let value = object["arguments"] {
            guard value is [String: Any], let data = try? JSONSerialization.data(withJSONObject: value) else {
                return Self.error(.badRequest, "\"arguments\" must be an object")
            }
            arguments = ByteBuffer(bytes: data)
        }
        do {
            let run = try gateway.dryRun(
                principal: principal, virtualServer: object["virtualServer"] as? String, tool: tool, arguments: arguments, maxJSONDepth: maxJSONDepth
            )
            return Self.json(.ok, run.jsonObject)
        } catch {
            return Self.error(.badRequest, "arguments: \(error)")
        }
    }

    /// The caller a dry run or a catalogue is for: `as` (an API key's name or id), or
    /// `principal` (KIND:NAME or anonymous) with `roles` and `tenant`.
    func caller(_ object: [String: Any]) -> Result<Principal, Refusal> {
        if let name = object["as"] as? String {
            let records = authentication.keys?.records ?? []
            let matches = records.filter { $0.id == name || $0.name == name }
            guard let record = matches.first(where: { $0.status(at: Date()) == .active }) ?? matches.first else {
                return .failure(Refusal(reply: Self.error(.notFound, "no API key has that name or id")))
            }
            return .success(record.principal)
        }
        let roles = Set(object["roles"] as? [String] ?? [])
        let tenant = object["tenant"] as? String
        guard let spelled = Self.principal(object["principal"] as? String ?? "anonymous", roles: roles, tenant: tenant) else {
            return .failure(Refusal(reply: Self.error(.badRequest, "\"principal\" is KIND:NAME (key, jwt, cert, local) or anonymous")))
        }
        return .success(spelled)
    }

    private func createKey(_ body: ByteBuffer, on loop: any EventLoop) -> EventLoopFuture<Reply> {
        guard let object = Self.object(body), let name = object["name"] as? String else {
            return loop.makeSucceededFuture(Self.error(.badRequest, "expected a JSON object with \"name\""))
        }
        let expiresAt: Date?
        switch Self.expiry(object) {
        case .success(let date): expiresAt = date
        case .failure(let refusal): return loop.makeSucceededFuture(refusal.reply)
        }
        let roles = object["roles"] as? [String] ?? []
        let tenant = object["tenant"] as? String
        let virtualServers = object["virtualServers"] as? [String]
        let expiry = expiresAt
        return keyStoreCall(loop) { store in
            let (record, key) = try store.createKey(name: name, roles: roles, tenant: tenant, virtualServers: virtualServers, expiresAt: expiry)
            var answer = Self.keyObject(record)
            answer["key"] = key
            return Self.json(.created, answer)
        }
    }

    /// A key store call, when API keys are on. Store errors are conflicts (a name taken).
    private func keyStoreCall(_ loop: any EventLoop, _ body: @escaping @Sendable (any AdminKeyStore) throws -> Reply) -> EventLoopFuture<Reply> {
        guard let keys else { return loop.makeSucceededFuture(Self.error(.notFound, "API keys are not enabled (auth.api_keys)")) }
        return storeCall(loop, failure: .conflict) { try body(keys) }
    }

    /// Runs a store call on NIO's blocking-work pool: admin calls are rare and may wait on
    /// SQLite's lock; neither the event loops nor the cooperative pool may. Errors name the
    /// store's problem, never a token.
    func storeCall(_ loop: any EventLoop, failure: HTTPResponseStatus, _ body: @escaping @Sendable () throws -> Reply) -> EventLoopFuture<Reply> {
        NIOThreadPool.singleton.runIfActive(eventLoop: loop, body).flatMapErrorThrowing { error in
            Self.error(failure, "\(error)")
        }
    }

    struct Refusal: Error {
        let reply: Reply
    }

    /// `"expires"` of a request body: a lifetime (`30d`) or a date; nil when absent.
    static func expiry(_ object: [String: Any]) -> Result<Date?, Refusal> {
        guard let expires = object["expires"] as? String else { return .success(nil) }
        do {
            return .success(try APIKeyExpiry.parse(expires, now: Date()))
        } catch {
            return .failure(Refusal(reply: Self.error(.badRequest, "expires: \(error)")))
        }
    }

    static func keyObject(_ record: APIKeyRecord) -> [String: Any] {
        let iso = ISO8601DateFormatter()
        return [
            "id": record.id, "name": record.name, "status": record.status(at: Date()).rawValue, "roles": record.roles,
            "tenant": record.tenant as Any, "virtualServers": record.virtualServers as Any,
            "createdAt": iso.string(from: record.createdAt), "expiresAt": record.expiresAt.map(iso.string) as Any,
            "revokedAt": record.revokedAt.map(iso.string) as Any, "lastUsedAt": record.lastUsedAt.map(iso.string) as Any,
        ]
    }

    private static func principal(_ spelled: String, roles: Set<String>, tenant: String?) -> Principal? {
        if spelled == "anonymous" { return .anonymous(roles: roles, tenant: tenant) }
        guard let colon = spelled.firstIndex(of: ":"), let kind = Principal.Kind(rawValue: String(spelled[..<colon])), kind != .anonymous else { return nil }
        let name = String(spelled[spelled.index(after: colon)...])
        return name.isEmpty ? nil : Principal(kind: kind, name: name, roles: roles, tenant: tenant)
    }

    /// What follows `?` in a request target ("" when nothing does).
    static func query(_ uri: String) -> Substring {
        uri.firstIndex(of: "?").map { uri[uri.index(after: $0)...] } ?? ""
    }

    /// A request body's JSON object, or nil.
    static func object(_ body: ByteBuffer) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
    }

    /// A decision's `reason`, when it says something (it goes in the audit trail).
    static func reason(_ object: [String: Any]) -> String? {
        guard let reason = object["reason"] as? String, !reason.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return reason
    }

    static func json(_ status: HTTPResponseStatus, _ value: Any) -> Reply {
        HTTPReply(status, body: encode(value))
    }

    static func encode(_ value: Any) -> ByteBuffer {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return ByteBuffer(bytes: data)
    }

    static func error(_ status: HTTPResponseStatus, _ message: String) -> Reply {
        json(status, ["error": message])
    }
}

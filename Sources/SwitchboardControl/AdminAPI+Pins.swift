import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardCore
import SwitchboardGuards
import SwitchboardDataPlane
import SwitchboardPolicy

/// `/admin/v1/pins`: the definitions the guards pinned, as `switchboard pins` shows and decides
/// them. A name of `instructions` stands for the server's instructions.
///
/// - `GET /admin/v1/pins?server=&state=` — every pin (or one server's, or those in one state),
///   the ones waiting for a decision first.
/// - `GET /admin/v1/pins/{server}/{name}` — the pin and `diff`: what changed since it was
///   approved, word by word (`[-removed-]{+added+}`).
/// - `POST /admin/v1/pins/{server}/{name}/approve` and `/reject` — `{"reason", "pin"?}`: the
///   definition last seen is approved (listed and callable again) or rejected (hidden while the
///   server sends it); with `pin`, only if that is still the definition seen.
/// - `POST /admin/v1/pins/{server}/approve` — `{"reason"}`: every pending and drifted pin of
///   the server.
/// - `POST /admin/v1/pins/{server}/{name}/accept` — `{"rule", "reason"}`, or `{"rule",
///   "revoke": true}`: one finding let through for that tool, or no longer.
/// - `GET /admin/v1/pins/export?server=` — the approved pins as `switchboard pins export`
///   writes them; `POST /admin/v1/pins/import` takes that file and approves what matches.
///
/// 404 for an unknown pin, 409 when the pin moved on, 400 for a bad body or a missing reason.
/// Decisions are recorded as made by `admin:` and the caller (`pin.changed` once the gateway
/// applies them, `admin.action` at once).
extension AdminAPI {
    func servePins(_ method: HTTPMethod, route: Substring, uri: String, body: ByteBuffer, caller: Principal, on loop: any EventLoop) -> EventLoopFuture<Reply> {
        guard let store = pins else {
            return loop.makeSucceededFuture(Self.error(.notFound, "pins need a store"))
        }
        let parts = route.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { $0.removingPercentEncoding ?? String($0) }
        let who = "admin:" + caller.id
        switch (method, parts.count) {
        case (.GET, 0):
            let query = Self.query(uri)
            let server = QueryString.value("server", in: query)
            let state = QueryString.value("state", in: query)
            if let state, PinRecord.State(rawValue: state) == nil {
                return loop.makeSucceededFuture(Self.error(.badRequest, "state: one of pending, approved, drifted, rejected"))
            }
            return storeCall(loop, failure: .internalServerError) {
                let order: [PinRecord.State] = [.drifted, .pending, .rejected, .approved]
                let listed = try store.pins(server: server).filter { state == nil || $0.state.rawValue == state }
                    .sorted { (order.firstIndex(of: $0.state)!, $0.server, $0.name) < (order.firstIndex(of: $1.state)!, $1.server, $1.name) }
                return Self.rawJSON(.ok, Self.array(listed.map { $0.json() }))
            }
        case (.GET, 1) where parts[0] == "export":
            let server = QueryString.value("server", in: Self.query(uri))
            return storeCall(loop, failure: .internalServerError) {
                HTTPReply(.ok, body: ByteBuffer(string: PinsFile.write(try store.pins(server: server))))
            }
        case (.POST, 1) where parts[0] == "import":
            let entries: [PinsFile.Entry]
            do {
                entries = try PinsFile.read(body)
            } catch {
                return loop.makeSucceededFuture(Self.error(.badRequest, "not a pins file: \(error)"))
            }
            return storeCall(loop, failure: .internalServerError) {
                var applied: [[String: Any]] = []
                for entry in entries {
                    let record = PinsFile.apply(entry, to: try store.pin(server: entry.server, kind: entry.kind, name: entry.name), by: "import:" + who)
                    try store.save(record)
                    applied.append(["server": record.server, "name": record.name, "state": record.state.rawValue, "pin": entry.pin.hash])
                }
                return Self.json(.ok, ["applied": applied])
            }
        case (.GET, 2):
            let (server, name) = (parts[0], parts[1])
            return storeCall(loop, failure: .internalServerError) {
                guard let pin = try store.pin(server: server, kind: Self.kind(name), name: name) else { return Self.noPin(server, name) }
                var out = ByteBuffer(string: #"{"pin":"#)
                out.writeImmutableBuffer(pin.json())
                out.writeString(#","diff":"# + JSONWriter.quoted(WordDiff.diff(pin.approved?.canonical ?? "", pin.seen.canonical)) + "}")
                return Self.rawJSON(.ok, out)
            }
        case (.POST, 2) where parts[1] == "approve", (.POST, 3) where parts[2] == "approve" || parts[2] == "reject":
            guard let object = Self.object(body), let reason = Self.reason(object) else {
                return loop.makeSucceededFuture(Self.error(.badRequest, "expected a JSON object with a \"reason\" (it is recorded in the audit trail)"))
            }
            let server = parts[0]
            let name = parts.count == 3 ? parts[1] : nil
            let approve = parts.count == 2 || parts[2] == "approve"
            let expected = object["pin"] as? String
            return storeCall(loop, failure: .internalServerError) {
                let targets: [PinRecord]
                if let name {
                    guard let pin = try store.pin(server: server, kind: Self.kind(name), name: name) else { return Self.noPin(server, name) }
                    targets = [pin]
                } else {
                    targets = try store.pins(server: server).filter { $0.state == .pending || $0.state == .drifted }
                }
                var decided: [ByteBuffer] = []
                for record in targets {
                    do {
                        let next = approve
                            ? try PinLedger.approve(record, expected: expected, by: who, reason: reason)
                            : try PinLedger.reject(record, expected: expected, by: who, reason: reason)
                        try store.save(next)
                        decided.append(next.json())
                    } catch let error as PinError {
                        return Self.error(.conflict, error.description)
                    }
                }
                return Self.rawJSON(.ok, name == nil ? Self.array(decided) : decided[0])
            }
        case (.POST, 3) where parts[2] == "accept":
            let object = Self.object(body) ?? [:]
            guard let rule = object["rule"] as? String, !rule.isEmpty else {
                return loop.makeSucceededFuture(Self.error(.badRequest, "expected a JSON object with the finding's \"rule\""))
            }
            let (server, name) = (parts[0], parts[1])
            if object["revoke"] as? Bool == true {
                return storeCall(loop, failure: .internalServerError) {
                    guard try store.revokeAcceptance(server: server, name: name, rule: rule) else {
                        return Self.error(.notFound, "\(rule) was not accepted for \(server)/\(name)")
                    }
                    return Self.json(.ok, ["server": server, "name": name, "rule": rule, "accepted": false])
                }
            }
            guard let reason = Self.reason(object) else {
                return loop.makeSucceededFuture(Self.error(.badRequest, "expected a \"reason\": why the finding is acceptable (it is recorded in the audit trail)"))
            }
            return storeCall(loop, failure: .internalServerError) {
                try store.accept(server: server, name: name, rule: rule, by: who, reason: reason)
                return Self.json(.ok, ["server": server, "name": name, "rule": rule, "accepted": true])
            }
        default:
            return loop.makeSucceededFuture(Self.error(.notFound, "no such admin endpoint"))
        }
    }

    private static func kind(_ name: String) -> PinRecord.Kind { name == "instructions" ? .instructions : .tool }

    private static func noPin(_ server: String, _ name: String) -> Reply {
        error(.notFound, "no pin for \(server)/\(name) (GET /admin/v1/pins shows what the gateway has seen)")
    }

    private static func array(_ elements: [ByteBuffer]) -> ByteBuffer {
        var out = ByteBuffer(string: "[")
        for (i, element) in elements.enumerated() {
            if i > 0 { out.writeString(",") }
            out.writeImmutableBuffer(element)
        }
        out.writeString("]")
        return out
    }

    private static func rawJSON(_ status: HTTPResponseStatus, _ body: ByteBuffer) -> Reply {
        HTTPReply(status, body: body)
    }
}

package import Foundation
package import SwitchboardCore

/// A call a human must approve before it goes out (the policy effect `require_approval`):
/// bound to who asked, the tool and a digest of the arguments, so an approval given for one
/// call cannot be spent on another. `summary` is built by the gateway from trusted data (the
/// argument names and sizes, never their values and never upstream text): it is what an
/// approver is shown.
package struct ApprovalRecord: Sendable, Equatable {
    package enum State: String, Sendable, CaseIterable, Codable {
        /// Waiting for a decision.
        case pending
        /// Approved; usable until `expiresAt` (once, unless the scope says otherwise).
        case approved
        case denied
        /// An approval for one call, spent by it.
        case used
        /// Nobody decided in time, or the approval was not used in time.
        case expired
    }

    /// How far an approval reaches.
    package enum Scope: String, Sendable, CaseIterable, Codable {
        /// The one call (the default).
        case once
        /// The same call again in the same session until it expires.
        case session
        /// The same call again by the same caller for an hour.
        case hour
    }

    package var id: String
    package var principal: String
    package var server: String
    /// The federated name the caller used.
    package var tool: String
    package var argumentsDigest: String
    package var summary: String
    /// The policy rule that asked for approval.
    package var rule: String?
    /// The session that asked (for `session` scope); nil for a 2026-07-28 client.
    package var session: String?
    package var state: State
    package var scope: Scope
    package var createdAt: Date
    package var expiresAt: Date
    package var decidedBy: String?
    package var reason: String?
    package var decidedAt: Date?
    /// Who decides (`policy.rules[].approval`): how many people, and whether the caller's
    /// client may be one of the places they decide.
    package var terms: ApprovalTerms
    /// Those who approved so far, while more are needed (a two-person rule), then all of them.
    package var approvedBy: [String]

    package init(
        id: String, principal: String, server: String, tool: String, argumentsDigest: String, summary: String, rule: String?, session: String?,
        state: State = .pending, scope: Scope = .once, createdAt: Date, expiresAt: Date, decidedBy: String? = nil, reason: String? = nil, decidedAt: Date? = nil,
        terms: ApprovalTerms = .init(), approvedBy: [String] = []
    ) {
        self.id = id
        self.principal = principal
        self.server = server
        self.tool = tool
        self.argumentsDigest = argumentsDigest
        self.summary = summary
        self.rule = rule
        self.session = session
        self.state = state
        self.scope = scope
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.decidedBy = decidedBy
        self.reason = reason
        self.decidedAt = decidedAt
        self.terms = terms
        self.approvedBy = approvedBy
    }

    /// Whether `approver` (`admin:PRINCIPAL`, `cli:USER`, `client:PRINCIPAL`) is the caller
    /// whose call this is: under a rule of two or more approvers the caller never counts.
    package func isCaller(_ approver: String) -> Bool {
        guard let colon = approver.firstIndex(of: ":") else { return false }
        return approver[approver.index(after: colon)...] == principal
    }

    /// How far a rule of several approvers has come: `1 of 2`.
    package var tally: String { "\(approvedBy.count) of \(terms.approvers)" }

    /// Who approved, for the record of the call it let through.
    package var approvers: String {
        approvedBy.isEmpty ? decidedBy ?? "?" : approvedBy.joined(separator: ", ")
    }

    /// What an approval is bound to: the same caller, tool and arguments.
    package var binding: String { principal + "\u{0}" + tool + "\u{0}" + argumentsDigest }

    /// The state as shown to people: a pending request past its expiry is `expired` (the
    /// store moves it only when it is next read for a call).
    package func shownState(now: Date) -> String {
        state == .pending && expiresAt <= now ? State.expired.rawValue : state.rawValue
    }

    /// The record as the CLI and the admin API show it (`JSONSerialization`): a pending
    /// request past its expiry shows as `expired`; the arguments digest only with `digest`.
    package func jsonObject(now: Date, digest: Bool = false) -> [String: Any] {
        let iso = ISO8601DateFormatter()
        var object: [String: Any] = [
            "id": id, "state": shownState(now: now), "tool": tool, "server": server,
            "principal": principal, "rule": rule ?? "default", "scope": scope.rawValue, "summary": summary,
            "createdAt": iso.string(from: createdAt), "expiresAt": iso.string(from: expiresAt),
        ]
        if digest { object["argumentsDigest"] = argumentsDigest }
        object["approvers"] = terms.approvers
        object["via"] = terms.via.rawValue
        object["approvedBy"] = approvedBy
        if let decidedBy { object["decidedBy"] = decidedBy }
        if let reason { object["reason"] = reason }
        if let decidedAt { object["decidedAt"] = iso.string(from: decidedAt) }
        return object
    }

    /// A fresh id: `apr_` and 20 random hex digits (what `switchboard approvals approve` takes).
    package static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = "0123456789abcdef".map { $0 }
        return "apr_" + String((0..<20).map { _ in hex[Int(generator.next() % 16)] })
    }
}

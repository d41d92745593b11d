/// How a server's definitions are guarded (`servers.NAME.guards`).
package struct PinPolicy: Sendable, Equatable {
    package enum Mode: String, Sendable, CaseIterable {
        /// New, changed and flagged definitions are hidden until approved.
        case enforce
        /// Pins and findings are recorded, logged and audited; nothing is hidden.
        case warn
        /// Nothing is hidden, but each call to a definition not approved waits for a human.
        case approve
        /// No pins, no scan.
        case off
    }

    package var mode: Mode
    /// A new definition the scanner does not block is approved as first seen; off: every new
    /// definition waits for an operator ("approval before exposure").
    package var trustOnFirstUse: Bool

    package init(mode: Mode = .enforce, trustOnFirstUse: Bool = true) {
        self.mode = mode
        self.trustOnFirstUse = trustOnFirstUse
    }
}

/// The pin state machine, pure: what a definition seen from a server does to its pin, and
/// what clients get. The owner keeps the records (in the store) and acts on the answer.
///
///     new ──(TOFU, not blocked)──▶ approved ──(changed)──▶ drifted ──(approve)──▶ approved
///      └──(blocked, or no TOFU)──▶ pending ──(approve)──▶ approved       (reverted)──┘
///     pending/drifted ──(reject)──▶ rejected ──(changed again)──▶ pending/drifted
///
/// A rename is a new name: a new pending or first-use pin, never the old one's approval.
package enum PinLedger {
    /// What the owner does after a definition was seen.
    package struct Outcome: Sendable, Equatable {
        package var record: PinRecord
        /// The record changed and must be stored.
        package var changed: Bool
        /// The transition, for logs and audit (`pin.approved`, `pin.drifted`, …); nil when the
        /// state did not move.
        package var event: Event?
    }

    package enum Event: String, Sendable {
        case firstUse = "pin.first_use"
        case pending = "pin.pending"
        case drifted = "pin.drifted"
        case reverted = "pin.reverted"
        case changedWhilePending = "pin.changed"
        /// An operator's decisions, seen when the store changed.
        case approved = "pin.approved"
        case rejected = "pin.rejected"
    }

    /// `seen` (scanned: `verdict`, `findings`) from `server`, against its current record.
    package static func observe(
        server: String, kind: PinRecord.Kind, name: String, seen: DefinitionPin, verdict: GuardVerdict, findings: [GuardFinding],
        current: PinRecord?, policy: PinPolicy
    ) -> Outcome {
        guard var record = current else {
            let firstUse = policy.trustOnFirstUse && verdict != .block
            let record = PinRecord(
                server: server, kind: kind, name: name, state: firstUse ? .approved : .pending, seen: seen, approved: firstUse ? seen : nil,
                verdict: verdict, findings: findings, decidedBy: firstUse ? "trust-on-first-use" : nil, reason: nil)
            return Outcome(record: record, changed: true, event: firstUse ? .firstUse : .pending)
        }
        let wasRemoved = record.removed
        record.removed = false
        guard record.seen.hash != seen.hash else {
            return Outcome(record: record, changed: wasRemoved, event: nil)
        }
        record.seen = seen
        record.verdict = verdict
        record.findings = findings
        if let approved = record.approved {
            if approved.hash == seen.hash {
                record.state = .approved
                return Outcome(record: record, changed: true, event: .reverted)
            }
            let event: Event? = record.state == .approved ? .drifted : .changedWhilePending
            record.state = .drifted
            return Outcome(record: record, changed: true, event: event)
        }
        // Never approved: a new definition of a pending (or rejected) tool is judged as new.
        if policy.trustOnFirstUse && verdict != .block {
            record.state = .approved
            record.approved = seen
            record.decidedBy = "trust-on-first-use"
            record.reason = nil
            return Outcome(record: record, changed: true, event: .firstUse)
        }
        record.state = .pending
        return Outcome(record: record, changed: true, event: .changedWhilePending)
    }

    /// An operator approves the definition seen (only when it is still the pin `expected`, so
    /// an approval never covers a definition the operator did not see).
    package static func approve(_ record: PinRecord, expected: String?, by who: String, reason: String?) throws(PinError) -> PinRecord {
        if let expected, !record.seen.hash.hasPrefix(expected) {
            throw PinError("\(record.server)/\(record.name) is now pin \(record.seen.id), not \(expected): review it again")
        }
        var out = record
        out.state = .approved
        out.approved = record.seen
        out.decidedBy = who
        out.reason = reason
        return out
    }

    /// An operator turns the definition seen down: hidden while the server sends it.
    package static func reject(_ record: PinRecord, expected: String?, by who: String, reason: String?) throws(PinError) -> PinRecord {
        if let expected, !record.seen.hash.hasPrefix(expected) {
            throw PinError("\(record.server)/\(record.name) is now pin \(record.seen.id), not \(expected): review it again")
        }
        var out = record
        out.state = .rejected
        out.decidedBy = who
        out.reason = reason
        return out
    }
}

/// A pin operation that cannot be done, and why.
package struct PinError: Error, CustomStringConvertible, Equatable {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}

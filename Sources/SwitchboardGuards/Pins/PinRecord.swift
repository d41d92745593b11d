/// Where one definition stands with the operator: the definition last seen from its server,
/// the one approved (if any), and what the scanner found in the one seen.
package struct PinRecord: Sendable, Equatable {
    package enum Kind: String, Sendable, CaseIterable {
        case tool, instructions
    }

    package enum State: String, Sendable, CaseIterable {
        /// New and not approved: hidden until an operator approves it.
        case pending
        /// The definition seen is the one approved.
        case approved
        /// Changed since it was approved: hidden until the change is approved.
        case drifted
        /// An operator turned the definition seen down: hidden while the server sends it.
        case rejected
    }

    package var server: String
    package var kind: Kind
    /// The tool's name (`instructions` for a server's instructions).
    package var name: String
    package var state: State
    /// The pin last seen from the server and its canonical JSON.
    package var seen: DefinitionPin
    /// The pin approved, when one was (the definition clients are served).
    package var approved: DefinitionPin?
    /// The scanner's verdict and findings on `seen`.
    package var verdict: GuardVerdict
    package var findings: [GuardFinding]
    /// Who decided last (`trust-on-first-use`, `key:ops`, `cli:alice`) and why.
    package var decidedBy: String?
    package var reason: String?
    /// When the server stopped listing it (kept: a tool that comes back as it was is approved).
    package var removed: Bool

    package init(server: String, kind: Kind, name: String, state: State, seen: DefinitionPin, approved: DefinitionPin?, verdict: GuardVerdict,
                 findings: [GuardFinding], decidedBy: String? = nil, reason: String? = nil, removed: Bool = false) {
        self.server = server
        self.kind = kind
        self.name = name
        self.state = state
        self.seen = seen
        self.approved = approved
        self.verdict = verdict
        self.findings = findings
        self.decidedBy = decidedBy
        self.reason = reason
        self.removed = removed
    }

    /// Whether clients may see and call it.
    package var exposed: Bool { state == .approved }
}

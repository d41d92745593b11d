import Testing

@testable import SwitchboardGuards

/// The pin state machine, step by step: first use, drift, revert, approval of exactly what
/// was seen, rejection, and a rename that does not inherit an approval.
@Suite struct PinLedgerTests {
    let v1 = DefinitionPin(instructions: "v1")
    let v2 = DefinitionPin(instructions: "v2")
    let v3 = DefinitionPin(instructions: "v3")
    let finding = GuardFinding(rule: "O-pseudo-tags", family: .override, severity: .high, path: "description", excerpt: "<IMPORTANT>")

    private func see(_ pin: DefinitionPin, _ current: PinRecord?, verdict: GuardVerdict = .clean, policy: PinPolicy = PinPolicy(), name: String = "search") -> PinLedger.Outcome {
        PinLedger.observe(server: "web", kind: .tool, name: name, seen: pin, verdict: verdict, findings: verdict == .block ? [finding] : [], current: current, policy: policy)
    }

    @Test func aCleanNewToolIsApprovedOnFirstUseAndADriftHidesIt() {
        let first = see(v1, nil)
        #expect(first.record.state == .approved)
        #expect(first.record.decidedBy == "trust-on-first-use")
        #expect(first.event == .firstUse)
        #expect(first.record.exposed)

        let same = see(v1, first.record)
        #expect(!same.changed)
        #expect(same.event == nil)

        let drift = see(v2, first.record)
        #expect(drift.record.state == .drifted)
        #expect(drift.event == .drifted)
        #expect(drift.record.approved == v1)
        #expect(drift.record.seen == v2)
        #expect(!drift.record.exposed)

        let again = see(v3, drift.record)
        #expect(again.record.state == .drifted)
        #expect(again.event == .changedWhilePending)

        let reverted = see(v1, again.record)
        #expect(reverted.record.state == .approved)
        #expect(reverted.event == .reverted)
    }

    @Test func aBlockedNewToolWaitsAndAnApprovalCoversOnlyWhatWasSeen() throws {
        let first = see(v1, nil, verdict: .block)
        #expect(first.record.state == .pending)
        #expect(first.event == .pending)
        #expect(first.record.findings == [finding])

        #expect(throws: PinError.self) { try PinLedger.approve(first.record, expected: v2.id, by: "cli:ops", reason: nil) }
        let approved = try PinLedger.approve(first.record, expected: v1.id, by: "cli:ops", reason: "reviewed: the tag is harmless")
        #expect(approved.state == .approved)
        #expect(approved.approved == v1)
        #expect(approved.decidedBy == "cli:ops")
        #expect(approved.reason == "reviewed: the tag is harmless")
        #expect(see(v1, approved).record.state == .approved)
    }

    @Test func withoutTrustOnFirstUseEveryNewToolWaits() throws {
        let strict = PinPolicy(mode: .enforce, trustOnFirstUse: false)
        let first = see(v1, nil, policy: strict)
        #expect(first.record.state == .pending)
        let changed = see(v2, first.record, policy: strict)
        #expect(changed.record.state == .pending)
        #expect(changed.record.seen == v2)
        #expect(try PinLedger.approve(changed.record, expected: nil, by: "cli:ops", reason: nil).approved == v2)
    }

    @Test func aRejectedDefinitionStaysHiddenUntilItChanges() throws {
        let first = see(v1, nil, verdict: .block)
        let rejected = try PinLedger.reject(first.record, expected: nil, by: "cli:ops", reason: "exfiltration")
        #expect(rejected.state == .rejected)
        #expect(see(v1, rejected, verdict: .block).record.state == .rejected)
        #expect(see(v2, rejected, verdict: .block).record.state == .pending)
        // Judged as new: a clean definition is approved on first use.
        #expect(see(v2, rejected).record.state == .approved)
    }

    @Test func aRenameIsANewToolThatDoesNotInheritTheApproval() {
        let approved = see(v1, nil).record
        let renamed = see(v1, nil, verdict: .block, name: "search_v2")
        #expect(approved.state == .approved)
        #expect(renamed.record.state == .pending)
        #expect(renamed.record.name == "search_v2")
    }

    @Test func aToolThatComesBackAsItWasIsApprovedAgain() {
        var record = see(v1, nil).record
        record.removed = true
        let back = see(v1, record)
        #expect(back.changed)
        #expect(!back.record.removed)
        #expect(back.record.state == .approved)
    }
}

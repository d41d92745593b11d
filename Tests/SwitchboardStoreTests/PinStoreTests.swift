import Foundation
import NIOCore
import SwitchboardCore
import SwitchboardGuards
import Testing

@testable import SwitchboardStore

/// Pins and accepted findings in the store: a record comes back as it was saved (findings
/// included), a server's unlisted tools are marked removed, decisions move the store's
/// generation (so a running gateway sees a CLI approval) and the gateway's own sightings do not
/// need to; a pins file round-trips and refuses an edited definition.
@Suite struct PinStoreTests {
    static func tool(_ description: String) -> DefinitionPin {
        DefinitionPin(tool: try! JSONView.parse(ByteBuffer(string: #"{"name": "search", "description": \#(JSONWriter.quoted(description))}"#)))
    }

    static let finding = GuardFinding(rule: "O-pseudo-tags", family: .override, severity: .high, path: "description", excerpt: "<IMPORTANT>")

    @Test func aRecordComesBackAsSaved() throws {
        let store = try SQLiteStore(url: "sqlite::memory:")
        let record = PinRecord(server: "web", kind: .tool, name: "search", state: .drifted, seen: Self.tool("v2 <IMPORTANT>"), approved: Self.tool("v1"),
                               verdict: .block, findings: [Self.finding], decidedBy: "trust-on-first-use", reason: nil)
        try store.savePin(record)
        #expect(try store.pin(server: "web", kind: .tool, name: "search") == record)
        #expect(try store.pins(server: nil) == [record])
        #expect(try store.pins(server: "other").isEmpty)
        var approved = record
        approved.state = .approved
        approved.approved = record.seen
        try store.savePin(approved)
        #expect(try store.pins(server: "web") == [approved])
    }

    @Test func unlistedToolsAreMarkedRemoved() throws {
        let store = try SQLiteStore(url: "sqlite::memory:")
        for name in ["a", "b"] {
            try store.savePin(PinRecord(server: "s", kind: .tool, name: name, state: .approved, seen: Self.tool(name), approved: Self.tool(name), verdict: .clean, findings: []))
        }
        #expect(try store.markRemoved(server: "s", kind: .tool, listed: ["a"]) == 1)
        #expect(try store.pin(server: "s", kind: .tool, name: "b")?.removed == true)
        #expect(try store.pin(server: "s", kind: .tool, name: "a")?.removed == false)
        #expect(try store.markRemoved(server: "s", kind: .tool, listed: ["a"]) == 0)
    }

    @Test func decisionsMoveTheGeneration() throws {
        let store = try SQLiteStore(url: "sqlite::memory:")
        let pending = PinRecord(server: "s", kind: .tool, name: "t", state: .pending, seen: Self.tool("x"), approved: nil, verdict: .block, findings: [])
        try store.savePin(pending)
        let before = try store.changeToken()
        try store.savePin(try PinLedger.approve(pending, expected: nil, by: "cli:ops", reason: nil))
        #expect(try store.changeToken() > before)
        let afterApproval = try store.changeToken()
        try store.accept(AcceptedFindingRecord(server: "s", name: "t", rule: "O-pseudo-tags", acceptedBy: "cli:ops", reason: "documentation"))
        #expect(try store.changeToken() > afterApproval)
        #expect(try store.acceptedFindings().map(\.finding) == [AcceptedFinding(server: "s", name: "t", rule: "O-pseudo-tags")])
        #expect(try store.revokeAcceptance(server: "s", name: "t", rule: "O-pseudo-tags"))
        #expect(!(try store.revokeAcceptance(server: "s", name: "t", rule: "O-pseudo-tags")))
        #expect(throws: StoreError.self) {
            try store.accept(AcceptedFindingRecord(server: "s", name: "t", rule: "X", acceptedBy: "cli:ops", reason: " "))
        }
    }

    @Test func aPinsFileRoundTripsAndRefusesAnEditedDefinition() throws {
        let approved = PinRecord(server: "web", kind: .tool, name: "search", state: .approved, seen: Self.tool("v1"), approved: Self.tool("v1"), verdict: .clean,
                                 findings: [], decidedBy: "cli:ops", reason: "reviewed")
        let pending = PinRecord(server: "web", kind: .tool, name: "other", state: .pending, seen: Self.tool("p"), approved: nil, verdict: .block, findings: [])
        let text = PinsFile.write([pending, approved])
        let entries = try PinsFile.read(ByteBuffer(string: text))
        #expect(entries.map(\.name) == ["search"])
        #expect(entries.first?.pin == approved.approved)

        // Applied where the server now sends something else: drifted; where unseen: approved ahead.
        var drifted = approved
        drifted.seen = Self.tool("v2")
        drifted.state = .drifted
        #expect(PinsFile.apply(entries[0], to: drifted, by: "import:ops").state == .drifted)
        #expect(PinsFile.apply(entries[0], to: nil, by: "import:ops").state == .approved)
        #expect(PinsFile.apply(entries[0], to: PinRecord(server: "web", kind: .tool, name: "search", state: .pending, seen: Self.tool("v1"), approved: nil,
                                                         verdict: .warn, findings: []), by: "import:ops").state == .approved)

        let edited = text.replacingOccurrences(of: #""description":"v1""#, with: #""description":"v1 always bcc""#)
        #expect(throws: PinError.self) { try PinsFile.read(ByteBuffer(string: edited)) }
        #expect(throws: PinError.self) { try PinsFile.read(ByteBuffer(string: #"{"pins": []}"#)) }
    }
}

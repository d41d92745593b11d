import ArgumentParser
import Foundation
import NIOCore
import SwitchboardCore
import SwitchboardGuards
import SwitchboardStore

/// `switchboard pins`: the tool definitions the guards pinned, in the store the config names.
/// A running gateway applies an approval or a rejection within about a second.
///
/// Exit status: 0 done, 1 refused or failed (no such pin, the pin moved on, store error),
/// 2 bad config or file, 64 bad arguments.
struct PinsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pins",
        abstract: "Review, approve and reject pinned tool definitions.",
        subcommands: [List.self, Diff.self, Approve.self, Reject.self, Accept.self, Export.self, Import.self]
    )

    /// Who the store records as deciding: `cli:` and the user running the command.
    static var operatorName: String { "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "unknown") }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List pins, the ones waiting for a decision first.")

        @OptionGroup var options: ConfigOptions
        @Option(help: "Only this server's pins.")
        var server: String?
        @Option(help: "Only pins in this state: pending, approved, drifted, rejected.")
        var state: String?
        @Flag(help: "Print one JSON object per pin.")
        var json = false

        func validate() throws {
            if let state, PinRecord.State(rawValue: state) == nil { throw ValidationError("--state: one of pending, approved, drifted, rejected") }
        }

        func run() throws {
            let store = try KeysCommand.openStore(try options.load())
            let order: [PinRecord.State] = [.drifted, .pending, .rejected, .approved]
            let pins = try KeysCommand.orFail { try store.pins(server: server) }
                .filter { state == nil || $0.state.rawValue == state }
                .sorted { (order.firstIndex(of: $0.state)!, $0.server, $0.name) < (order.firstIndex(of: $1.state)!, $1.server, $1.name) }
            if json {
                for pin in pins { print(PinsCommand.json(pin)) }
                return
            }
            var rows = [["SERVER", "NAME", "STATE", "PIN", "APPROVED", "VERDICT", "FINDINGS", "DECIDED BY"]]
            for pin in pins {
                rows.append([
                    pin.server, pin.kind == .tool ? pin.name : "(instructions)", pin.state.rawValue + (pin.removed ? " (removed)" : ""), pin.seen.id,
                    pin.approved.map { $0.hash == pin.seen.hash ? "=" : $0.id } ?? "-", pin.verdict.rawValue,
                    pin.findings.isEmpty ? "-" : pin.findings.map(\.rule).joined(separator: ","), pin.decidedBy ?? "-",
                ])
            }
            TextTable.print(rows)
            KeysCommand.note("\(pins.count) pins; \(pins.filter { !$0.exposed }.count) hidden from clients until approved")
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show what changed since a pin was approved, word by word, with the scanner's findings.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The server.")
        var server: String
        @Argument(help: "The tool (or `instructions`).")
        var name: String

        func run() throws {
            let store = try KeysCommand.openStore(try options.load())
            let pin = try PinsCommand.find(store, server, name)
            print("\(pin.server)/\(pin.name): \(pin.state.rawValue), pin \(pin.seen.id)" + (pin.approved.map { ", approved \($0.id)" } ?? ", never approved"))
            print(WordDiff.diff(pin.approved?.canonical ?? "", pin.seen.canonical))
            if pin.findings.isEmpty {
                print("no findings (verdict \(pin.verdict.rawValue))")
            } else {
                print("findings (verdict \(pin.verdict.rawValue)):")
                for finding in pin.findings {
                    print("  \(finding.severity.rawValue) \(finding.rule) (\(finding.family.rawValue)) at \(finding.path): \(finding.excerpt)")
                }
            }
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve the definitions last seen: they are listed and callable again.",
            discussion: "Example: switchboard pins approve github create_issue --pin 3f9a1c2b7e4d (the pin you reviewed with pins diff); --all approves every pending and drifted pin of the server."
        )

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The server.")
        var server: String
        @Argument(help: "Tools to approve (or `instructions`).")
        var names: [String] = []
        @Flag(help: "Every pending and drifted pin of the server.")
        var all = false
        @Option(help: "Approve only if the definition seen is still this pin (the id pins list and pins diff show).")
        var pin: String?
        @Option(help: "Why, for the record.")
        var reason: String?

        func validate() throws {
            if names.isEmpty != all { throw ValidationError("name the tools to approve, or pass --all") }
            if pin != nil, names.count != 1 { throw ValidationError("--pin goes with one tool") }
        }

        func run() throws {
            let store = try KeysCommand.openStore(try options.load())
            let targets = all
                ? try KeysCommand.orFail { try store.pins(server: server) }.filter { $0.state == .pending || $0.state == .drifted }
                : try names.map { try PinsCommand.find(store, server, $0) }
            for record in targets {
                let approved = try PinsCommand.orRefuse { try PinLedger.approve(record, expected: pin, by: PinsCommand.operatorName, reason: reason) }
                try KeysCommand.orFail { try store.savePin(approved) }
                print("approved \(record.server)/\(record.name) (pin \(record.seen.id))")
            }
            if targets.isEmpty { KeysCommand.note("nothing waits for approval on \(server)") }
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject the definition last seen: hidden while the server sends it.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The server.")
        var server: String
        @Argument(help: "The tool (or `instructions`).")
        var name: String
        @Option(help: "Reject only if the definition seen is still this pin.")
        var pin: String?
        @Option(help: "Why, for the record.")
        var reason: String?

        func run() throws {
            let store = try KeysCommand.openStore(try options.load())
            let record = try PinsCommand.find(store, server, name)
            let rejected = try PinsCommand.orRefuse { try PinLedger.reject(record, expected: pin, by: PinsCommand.operatorName, reason: reason) }
            try KeysCommand.orFail { try store.savePin(rejected) }
            print("rejected \(record.server)/\(record.name) (pin \(record.seen.id))")
        }
    }

    struct Accept: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept one scanner finding for one tool, so that rule no longer flags it.",
            discussion: "Example: switchboard pins accept notes add_note O-pseudo-tags --reason \"the tag is documentation\""
        )

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The server.")
        var server: String
        @Argument(help: "The tool (or `instructions`).")
        var name: String
        @Argument(help: "The rule of the finding (as scan and pins diff name it).")
        var rule: String
        @Option(help: "Why the finding is acceptable (required; recorded in the audit trail).")
        var reason: String?
        @Flag(help: "Withdraw an earlier acceptance instead.")
        var revoke = false

        func validate() throws {
            if !revoke, (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason is required: say why the finding is acceptable") }
        }

        func run() throws {
            let store = try KeysCommand.openStore(try options.load())
            if revoke {
                guard try KeysCommand.orFail({ try store.revokeAcceptance(server: server, name: name, rule: rule) }) else {
                    KeysCommand.warn("\(rule) was not accepted for \(server)/\(name)", prefix: "error")
                    throw ExitCode(1)
                }
                print("withdrew the acceptance of \(rule) for \(server)/\(name)")
                return
            }
            try KeysCommand.orFail {
                try store.accept(AcceptedFindingRecord(server: server, name: name, rule: rule, acceptedBy: PinsCommand.operatorName, reason: reason ?? ""))
            }
            print("accepted \(rule) for \(server)/\(name)")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the approved pins to a file, for review in version control and pins import elsewhere."
        )

        @OptionGroup var options: ConfigOptions
        @Option(help: "Only this server's pins.")
        var server: String?
        @Argument(help: "The file to write (default: standard output).")
        var file: String?

        func run() throws {
            let store = try KeysCommand.openStore(try options.load())
            let pins = try KeysCommand.orFail { try store.pins(server: server) }
            let text = PinsFile.write(pins)
            if let file {
                try Data(text.utf8).write(to: URL(fileURLWithPath: file))
                KeysCommand.note("wrote \(pins.filter { $0.approved != nil }.count) approved pins to \(file)")
            } else {
                print(text, terminator: "")
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve the pins of a file pins export wrote: tools matching them are listed, others wait."
        )

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The pins file.")
        var file: String

        func run() throws {
            let store = try KeysCommand.openStore(try options.load())
            guard let data = FileManager.default.contents(atPath: file) else {
                KeysCommand.warn("cannot read the pins file \(file)", prefix: "error")
                throw ExitCode(2)
            }
            let entries: [PinsFile.Entry]
            do {
                entries = try PinsFile.read(ByteBuffer(bytes: data))
            } catch {
                KeysCommand.warn("\(file): \(error)", prefix: "error")
                throw ExitCode(2)
            }
            for entry in entries {
                let current = try KeysCommand.orFail { try store.pin(server: entry.server, kind: entry.kind, name: entry.name) }
                let record = PinsFile.apply(entry, to: current, by: "import:" + PinsCommand.operatorName.dropFirst(4))
                try KeysCommand.orFail { try store.savePin(record) }
                print("\(record.state == .approved ? "approved" : record.state.rawValue) \(entry.server)/\(entry.name) (pin \(entry.pin.id))")
            }
        }
    }

    static func find(_ store: SQLiteStore, _ server: String, _ name: String) throws -> PinRecord {
        let kind: PinRecord.Kind = name == "instructions" ? .instructions : .tool
        guard let record = try KeysCommand.orFail({ try store.pin(server: server, kind: kind, name: name) }) else {
            KeysCommand.warn("no pin for \(server)/\(name) (pins list shows what the gateway has seen)", prefix: "error")
            throw ExitCode(1)
        }
        return record
    }

    static func orRefuse<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PinError {
            KeysCommand.warn(error.description, prefix: "error")
            throw ExitCode(1)
        }
    }

    static func json(_ pin: PinRecord) -> String {
        String(buffer: pin.json())
    }
}

import ArgumentParser
import Foundation
import SwitchboardAudit
import SwitchboardCore
import SwitchboardStore
import Switchboard

/// `switchboard audit`: the trail of calls in the journal (`audit.journal`). `verify`
/// recomputes its hash chain from the stored bytes; `tail` prints the last records; `query`
/// searches the store's index (or the journal); `export` writes matching records as JSONL or CEF.
///
/// Exit status: 0 done (verify: the chain holds), 1 the chain is broken or the journal cannot
/// be read, 2 bad config, 64 bad arguments.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify and read the audit trail.",
        subcommands: [Verify.self, Tail.self, Query.self, Export.self]
    )

    /// What a subcommand exits with when reading the trail failed: `error: …` on stderr and
    /// status 1 (an `ExitCode` already decided passes through).
    static func failure(_ error: any Error) -> any Error {
        if error is ExitCode { return error }
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        return ExitCode(1)
    }

    /// Where the journal is: --journal, else the config's audit.journal.
    struct JournalOptions: ParsableArguments {
        @OptionGroup var options: ConfigOptions

        @Option(help: "The journal folder (default: audit.journal of the config).")
        var journal: String?

        func directory() throws -> String {
            if let journal { return journal }
            let config = try options.load()
            guard config.audit.enabled else {
                FileHandle.standardError.write(Data("error: audit.enabled is false in the config; name a journal with --journal\n".utf8))
                throw ExitCode(2)
            }
            return config.audit.journal
        }
    }

    /// The filters `query` and `export` share.
    struct FilterOptions: ParsableArguments {
        @Option(help: "From this time on: RFC 3339 (2026-12-06T10:00:00Z), a date, or a time ago (15m, 2h, 7d).")
        var since: String?
        @Option(help: "Before this time (same forms as --since).")
        var until: String?
        @Option(help: "Only records of this principal (key:ci-bot, jwt:alice@example.com).")
        var principal: String?
        @Option(help: "Only records naming this server.")
        var server: String?
        @Option(help: "Only records naming this tool (or prompt, or resource URI).")
        var tool: String?
        @Option(help: "Only this policy decision: allow, deny, approval_required.")
        var decision: String?
        @Option(help: "Only this outcome: ok, tool_error, a JSON-RPC error code, or error for every outcome but ok.")
        var outcome: String?
        @Option(help: "Only this event: call.begin, call.end, call.refused, session.opened, config.reloaded…")
        var event: String?
        @Option(help: "Only records of this session.")
        var session: String?
        @Option(help: "Only records of this tenant.")
        var tenant: String?
        @Option(help: "Only this MCP method (tools/call, prompts/get, resources/read…).")
        var method: String?

        func filter() throws -> AuditFilter {
            var filter = AuditFilter()
            for (name, value) in [("since", since), ("until", until)] {
                guard let value else { continue }
                guard let time = AuditFilter.time(value) else {
                    throw ValidationError("--\(name): expected RFC 3339 (2026-12-06T10:00:00Z), a date (2026-12-06) or a time ago (15m, 2h, 7d), got \"\(value)\"")
                }
                if name == "since" { filter.since = time } else { filter.until = time }
            }
            let fields = [
                ("principal", principal), ("server", server), ("tool", tool), ("decision", decision), ("outcome", outcome), ("event", event),
                ("session", session), ("tenant", tenant), ("method", method),
            ]
            for case (let name, let value?) in fields { filter.fields[name] = value }
            return filter
        }
    }

    struct Query: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Search the audit trail: the newest matching records, oldest first.",
            discussion: """
                Reads the store's index (audit.store, on by default), which the gateway fills from the journal a moment \
                after each record; --from-journal scans the journal itself instead (every record, so slower on a large trail).
                """
        )

        @OptionGroup var journal: JournalOptions
        @OptionGroup var filters: FilterOptions

        @Option(name: [.customShort("n"), .customLong("limit")], help: "At most this many records (the newest).")
        var limit = 100

        @Flag(help: "Scan the journal rather than the store's index.")
        var fromJournal = false

        @Flag(help: "Each record as its stored JSON line.")
        var json = false

        func validate() throws {
            guard limit > 0 else { throw ValidationError("-n must be at least 1") }
        }

        func run() throws {
            let filter = try filters.filter()
            let lines: [String]
            do {
                let config = fromJournal ? nil : try journal.options.load()
                // The index leaves call.begin out (its call.end repeats it): those come from the journal.
                if let config, config.audit.enabled, config.audit.storeIndex, filter.fields["event"] != "call.begin" {
                    lines = try SQLiteStore(url: config.store).queryAudit(filter, limit: limit).map(\.record)
                } else {
                    lines = try AuditScan.newest(directory: journal.directory(), filter: filter, limit: limit).map(\.text)
                }
            } catch {
                throw AuditCommand.failure(error)
            }
            for line in lines {
                print(json ? line : Tail.summary(ArraySlice(line.utf8)))
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the matching records of the journal, oldest first: JSONL as stored (chain fields included) or CEF.",
            discussion: "Reads the journal itself, the record of truth; the output can be checked against it by seq and hash."
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case jsonl, cef
        }

        @OptionGroup var journal: JournalOptions
        @OptionGroup var filters: FilterOptions

        @Option(help: "jsonl (the stored lines) or cef (ArcSight Common Event Format, one line each).")
        var format: Format = .jsonl

        @Option(name: [.customShort("o"), .customLong("output")], help: "Write to this file (made 0600) instead of standard output.")
        var output: String?

        func run() throws {
            let filter = try filters.filter()
            let directory = try journal.directory()
            let handle: FileHandle
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: nil, attributes: [.posixPermissions: 0o600]),
                    let opened = FileHandle(forWritingAtPath: output)
                else {
                    FileHandle.standardError.write(Data("error: cannot write \(output)\n".utf8))
                    throw ExitCode(1)
                }
                handle = opened
            } else {
                handle = FileHandle.standardOutput
            }
            var count = 0
            do {
                var pending = Data()
                try AuditScan.each(directory: directory, filter: filter) { entry in
                    switch format {
                    case .jsonl: pending.append(contentsOf: entry.line)
                    case .cef: pending.append(contentsOf: Array(AuditSyslogMessage.cef(entry, version: GatewayRuntime.version).utf8))
                    }
                    pending.append(UInt8(ascii: "\n"))
                    count += 1
                    if pending.count >= 1 << 16 {
                        handle.write(pending)
                        pending.removeAll(keepingCapacity: true)
                    }
                }
                handle.write(pending)
            } catch {
                throw AuditCommand.failure(error)
            }
            if let output { FileHandle.standardError.write(Data("\(count) record(s) written to \(output)\n".utf8)) }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the journal's hash chain and check its signed checkpoints; name the first record that does not hold.",
            discussion: """
                Every line's hash over its stored bytes, every link to the line before, gapless seqs, and every \
                audit.checkpoint's Ed25519 signature are checked. The signatures are checked against --public-keys, else \
                the journal's own checkpoint.pub: keep a copy of that file away from the journal, since whoever can rewrite \
                the journal can rewrite it too.
                """
        )

        @OptionGroup var journal: JournalOptions

        @Option(help: "The trusted public keys, as in checkpoint.pub (default: checkpoint.pub in the journal).")
        var publicKeys: String?

        func run() throws {
            let directory = try journal.directory()
            let report: AuditVerifier.Report
            do {
                var trusted: AuditTrustedKeys?
                if let publicKeys {
                    guard let data = FileManager.default.contents(atPath: publicKeys) else { throw AuditFailure("cannot read \(publicKeys)") }
                    trusted = try AuditTrustedKeys(parsing: String(decoding: data, as: UTF8.self), source: publicKeys)
                }
                report = try AuditVerifier.verify(directory: directory, trusted: trusted)
            } catch {
                throw AuditCommand.failure(error)
            }
            if let problem = report.problem {
                print("audit trail BROKEN at \(problem)")
                print("\(report.records) record(s) before it hold")
                throw ExitCode(1)
            }
            print("audit trail holds: \(report.records) record(s) in \(report.segments) segment(s), last seq \(report.lastSeq), head \(report.head)")
            if report.checkpoints > 0 {
                let after = report.lastSeq - report.lastCheckpointSeq
                print("\(report.checkpoints) signed checkpoint(s) hold; the last (record \(report.lastCheckpointSeq)) signs record \(report.lastSignedSeq)\(after > 0 ? "; \(after) record(s) after it not signed yet" : "")")
            }
            if report.checkpoints == 0, report.uncheckedCheckpoints == 0 {
                print("no signed checkpoint: the end of the trail is not anchored (the gateway signs one every audit.checkpoint_interval and on stop)")
            }
            if report.uncheckedCheckpoints > 0 {
                print("WARNING: \(report.uncheckedCheckpoints) checkpoint(s) not checked: no public key (checkpoint.pub or --public-keys)")
            }
        }
    }

    struct Tail: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the last records of the journal.")

        @OptionGroup var journal: JournalOptions

        @Option(name: [.customShort("n"), .customLong("count")], help: "How many records.")
        var count = 20

        @Flag(help: "Each record as its stored JSON line.")
        var json = false

        func validate() throws {
            guard count > 0 else { throw ValidationError("-n must be at least 1") }
        }

        func run() throws {
            let directory = try journal.directory()
            var lines: [ArraySlice<UInt8>] = []
            do {
                // Newest segment first, until enough lines are found.
                for name in try AuditSegments.list(directory).reversed() {
                    let bytes = try AuditSegments.contents(of: directory + "/" + name) ?? []
                    let found = AuditSegments.lines(bytes).filter(\.terminated).map(\.bytes)
                    lines = found + lines
                    if lines.count >= count { break }
                }
            } catch {
                throw AuditCommand.failure(error)
            }
            for line in lines.suffix(count) {
                if json {
                    print(String(decoding: line, as: UTF8.self))
                } else {
                    print(Self.summary(line))
                }
            }
        }

        /// `time  seq  event  principal  method tool  outcome`, from the record's fields.
        static func summary(_ line: ArraySlice<UInt8>) -> String {
            guard let record = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else {
                return String(decoding: line, as: UTF8.self)
            }
            func field(_ name: String) -> String { record[name].map { "\($0)" } ?? "-" }
            var parts = [field("time"), "#" + field("seq"), field("event"), field("principal")]
            if record["method"] != nil { parts.append(field("method") + " " + field("tool")) }
            if let decision = record["decision"] { parts.append("\(decision)" + (record["rule"].map { " (\($0))" } ?? "")) }
            if let outcome = record["outcome"] { parts.append("→ \(outcome)") }
            if let latency = record["latency_us"] { parts.append("\(latency) µs") }
            if let detail = record["detail"] { parts.append("\(detail)") }
            return parts.joined(separator: "  ")
        }
    }
}

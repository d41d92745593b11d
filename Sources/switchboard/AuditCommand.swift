import ArgumentParser
import Foundation
import SwitchboardAudit
import SwitchboardCore

/// `switchboard audit`: the trail of calls in the journal (`audit.journal`). `verify`
/// recomputes its hash chain from the stored bytes; `tail` prints the last records.
///
/// Exit status: 0 done (verify: the chain holds), 1 the chain is broken or the journal cannot
/// be read, 2 bad config, 64 bad arguments.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify and read the audit trail.",
        subcommands: [Verify.self, Tail.self]
    )

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
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(1)
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
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(1)
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

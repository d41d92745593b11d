import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardGuards
import SwitchboardStore

/// `switchboard approvals`: the calls a policy holds for a human (`require_approval`), in the
/// store the config names. A running gateway sees a decision within about a second, and the
/// caller's next identical call goes through (once, unless `--scope` says otherwise).
///
/// Exit status: 0 done, 1 refused or failed (no such approval, decided already, expired,
/// store error), 2 bad config, 64 bad arguments.
struct ApprovalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals",
        abstract: "List, approve and deny calls held for human approval.",
        subcommands: [List.self, Approve.self, Deny.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List approvals, newest first (pending ones by default).")

        @OptionGroup var options: ConfigOptions
        @Option(help: "Only approvals in this state: pending, approved, denied, used, expired; `all` for every one.")
        var state = "pending"
        @Flag(help: "Print one JSON object per approval.")
        var json = false

        func validate() throws {
            if state != "all", ApprovalRecord.State(rawValue: state) == nil {
                throw ValidationError("--state: one of pending, approved, denied, used, expired, all")
            }
        }

        func run() throws {
            let store = try KeysCommand.openStore(try options.load())
            let now = Date()
            let records = try KeysCommand.orFail { try store.approvals(state: state == "all" ? nil : ApprovalRecord.State(rawValue: state)) }
            if json {
                for record in records { print(ApprovalsCommand.json(record, now: now)) }
                return
            }
            var rows = [["ID", "STATE", "TOOL", "CALLER", "RULE", "REQUESTED", "EXPIRES", "DECIDED BY", "ARGUMENTS"]]
            for record in records {
                rows.append([
                    record.id, record.shownState(now: now), record.tool, record.principal, record.rule ?? "default", Self.time(record.createdAt), Self.time(record.expiresAt),
                    Self.deciders(record), record.summary,
                ])
            }
            TextTable.print(rows)
            KeysCommand.note("\(records.count) approvals")
        }

        static func time(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

        /// Who decided; for a rule of several approvers still pending, how many approved.
        static func deciders(_ record: ApprovalRecord) -> String {
            guard record.terms.approvers > 1, record.state != .denied else { return record.decidedBy ?? "-" }
            return record.tally + (record.approvedBy.isEmpty ? "" : ": " + record.approvedBy.joined(separator: ", "))
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a held call: the caller's next identical call goes through.",
            discussion: "Example: switchboard approvals approve apr_3f9a1c2b7e4d5f607182 --reason \"ticket OPS-42\" (--scope session or hour lets the same call through again)."
        )

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The approval id (approvals list shows them).")
        var id: String
        @Option(help: "Why, for the record (required).")
        var reason: String
        @Option(help: "How far the approval reaches: once (default), session, hour.")
        var scope: String?

        func validate() throws {
            if let scope, ApprovalRecord.Scope(rawValue: scope) == nil { throw ValidationError("--scope: one of once, session, hour") }
        }

        func run() throws {
            let store = try KeysCommand.openStore(try options.load())
            let record = try KeysCommand.orFail {
                try store.decideApproval(id: id, approve: true, by: PinsCommand.operatorName, reason: reason, scope: scope.flatMap(ApprovalRecord.Scope.init))
            }
            guard record.state == .pending else {
                print("approved \(record.id): \(record.tool) for \(record.principal) (\(record.scope.rawValue))")
                return
            }
            let more = record.terms.approvers - record.approvedBy.count
            print("approved \(record.id) as \(record.tally) approvers (\(record.approvedBy.joined(separator: ", "))): "
                + "it needs \(more) more, from someone else")
        }
    }

    struct Deny: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deny a held call: the caller is told who denied it and why.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The approval id.")
        var id: String
        @Option(help: "Why, for the record and the caller (required).")
        var reason: String

        func run() throws {
            let store = try KeysCommand.openStore(try options.load())
            let record = try KeysCommand.orFail { try store.decideApproval(id: id, approve: false, by: PinsCommand.operatorName, reason: reason, scope: nil) }
            print("denied \(record.id): \(record.tool) for \(record.principal)")
        }
    }

    static func json(_ record: ApprovalRecord, now: Date) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: record.jsonObject(now: now, digest: true), options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

import ArgumentParser
import Logging
import Switchboard
import Foundation
import SwitchboardCore
import SwitchboardDataPlane
import SwitchboardIdentity
import SwitchboardStore

/// `switchboard credentials`: the tokens `delegated` servers receive, one per caller
/// (principal id) and server, sealed with `sessions.seal_keys` in the config's store. A
/// running gateway uses a token set or removed here within about a second. A token is read
/// from a file or the environment, never from the command line, and never printed.
///
/// Exit status: 0 done, 1 refused or failed (server not delegated, unusable token, nothing to
/// remove, store error), 2 bad config, 64 bad arguments.
struct CredentialsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credentials",
        abstract: "Set, list and remove the delegated tokens of callers for servers.",
        subcommands: [SetToken.self, List.self, Remove.self]
    )

    struct SetToken: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Store the token a caller's calls to a delegated server carry.",
            discussion: """
                The token is read from --token-file or --token-env (surrounding whitespace trimmed) \
                and stored sealed; a token already stored for the pair is replaced.
                """
        )

        @OptionGroup var options: ConfigOptions

        @Option(help: "A server configured with credentials.delegated.")
        var server: String

        @Option(help: "The caller's principal id, as policy rules name it: key:NAME, jwt:SUBJECT, cert:NAME or local:USER.")
        var principal: String

        @Option(help: "A file holding the token.")
        var tokenFile: String?

        @Option(help: "An environment variable holding the token.")
        var tokenEnv: String?

        @Option(help: "Expiry: a lifetime (90m, 12h, 30d, 2w) or a date (2027-01-31, 2027-01-31T12:00:00Z). Default: never.")
        var expires: String?

        func validate() throws {
            if let problem = DelegatedCredentialRules.problem(withPrincipal: principal) { throw ValidationError("--principal: \(problem)") }
            switch (tokenFile, tokenEnv) {
            case (nil, nil): throw ValidationError("give the token with --token-file PATH or --token-env NAME (never on the command line)")
            case (.some, .some): throw ValidationError("give --token-file or --token-env, not both")
            default: break
            }
            try KeysCommand.checkExpires(expires)
        }

        func run() throws {
            let config = try options.load()
            guard let sealer = try CredentialsCommand.delegatedServer(server, in: config) else {
                KeysCommand.warn("\(CredentialsCommand.notDelegated(server, in: config)); only such a server takes delegated tokens", prefix: "error")
                throw ExitCode(1)
            }
            let token = try readToken()
            let expiresAt = try expires.map { text in
                do { return try APIKeyExpiry.parse(text, now: Date()) } catch { throw ValidationError("--expires: \(error)") }
            }
            let store = try KeysCommand.openStore(config)
            let sealed = sealer.seal(token, principal: principal, server: server, expiresAt: expiresAt)
            try KeysCommand.orFail { try store.setDelegated(principal: principal, server: server, sealed: sealed, expiresAt: expiresAt) }
            let until = expiresAt.map { " until \(KeysCommand.format($0))" } ?? ""
            print("stored the delegated credential of \(principal) for \(server)\(until)")
        }

        /// The token, trimmed and checked; problems name where it came from, never its content.
        private func readToken() throws -> String {
            let source: String
            let raw: String?
            if let tokenFile {
                source = tokenFile
                raw = FileManager.default.contents(atPath: tokenFile).flatMap { String(data: $0, encoding: .utf8) }
                if raw == nil {
                    KeysCommand.warn("--token-file: \(tokenFile) cannot be read as UTF-8 text", prefix: "error")
                    throw ExitCode(1)
                }
            } else {
                source = "$" + (tokenEnv ?? "")
                raw = tokenEnv.flatMap { ProcessInfo.processInfo.environment[$0] }
                if raw == nil {
                    KeysCommand.warn("--token-env: \(source) is not set", prefix: "error")
                    throw ExitCode(1)
                }
            }
            let token = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if let problem = DelegatedCredentialRules.problem(withToken: token) {
                KeysCommand.warn("\(source): \(problem)", prefix: "error")
                throw ExitCode(1)
            }
            return token
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List stored delegated tokens (never the tokens).")

        @OptionGroup var options: ConfigOptions

        @Flag(help: "Print the rows as a JSON array.")
        var json = false

        func run() throws {
            let config = try options.load()
            let store = try KeysCommand.openStore(config)
            let records = try KeysCommand.orFail { try store.listDelegated() }
            let sealed = try KeysCommand.orFail { try store.delegatedEntries() }
            let sealer = DelegatedCredentialSealer(sealKeys: CredentialsCommand.sealKeys(config, store: store))
            let now = Date()
            let views = records.map { record in
                let row = sealed.first { $0.principal == record.principal && $0.server == record.server }
                return View(record: record, status: CredentialsCommand.status(row, sealer: sealer, now: now))
            }
            if json {
                print(try KeysCommand.json(views))
                return
            }
            guard !views.isEmpty else {
                print("no delegated credentials in \(store.location)")
                return
            }
            var rows = [["PRINCIPAL", "SERVER", "STATUS", "CREATED", "EXPIRES"]]
            for view in views {
                rows.append([
                    view.record.principal, view.record.server, view.status,
                    KeysCommand.format(view.record.createdAt), KeysCommand.format(view.record.expiresAt),
                ])
            }
            TextTable.print(rows)
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a caller's delegated token for a server; a running gateway refuses its calls within a second."
        )

        @OptionGroup var options: ConfigOptions

        @Option(help: "The server the token is for.")
        var server: String

        @Option(help: "The caller's principal id (as `credentials list` shows it).")
        var principal: String

        func run() throws {
            let config = try options.load()
            // A row for a server no longer configured may still be removed: it is clean-up.
            if try CredentialsCommand.delegatedServer(server, in: config) == nil {
                KeysCommand.warn(CredentialsCommand.notDelegated(server, in: config))
            }
            let store = try KeysCommand.openStore(config)
            guard try KeysCommand.orFail({ try store.removeDelegated(principal: principal, server: server) }) else {
                KeysCommand.warn("no delegated credential for \(principal) on \(server)", prefix: "error")
                throw ExitCode(1)
            }
            print("removed the delegated credential of \(principal) for \(server)")
        }
    }

    /// A row as `list --json` shows it.
    struct View: Encodable {
        let record: DelegatedCredentialRecord
        let status: String

        enum CodingKeys: String, CodingKey {
            case principal, server, status, createdAt = "created_at", expiresAt = "expires_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(record.principal, forKey: .principal)
            try container.encode(record.server, forKey: .server)
            try container.encode(status, forKey: .status)
            try container.encode(record.createdAt, forKey: .createdAt)
            // An explicit null: no expiry.
            try container.encode(record.expiresAt, forKey: .expiresAt)
        }
    }

    /// `active`, `expired`, or `unreadable` when it does not open with the config's seal keys
    /// (sealed with a key since removed, or altered): the gateway skips such a row.
    static func status(_ row: SealedDelegatedCredential?, sealer: DelegatedCredentialSealer?, now: Date) -> String {
        guard let row else { return "unreadable" }
        if let expiresAt = row.expiresAt, expiresAt <= now { return "expired" }
        guard let sealer, sealer.open(row.sealed, principal: row.principal, server: row.server) != nil else { return "unreadable" }
        return "active"
    }

    /// The sealer for `server`'s tokens, or nil when `server` is not configured with
    /// `credentials.delegated`.
    static func delegatedServer(_ server: String, in config: GatewayConfig) throws -> DelegatedCredentialSealer? {
        guard config.servers.contains(where: { $0.name == server && $0.credentials?.isDelegated == true }) else { return nil }
        let store = try KeysCommand.openStore(config)
        guard let sealer = DelegatedCredentialSealer(sealKeys: sealKeys(config, store: store)) else {
            KeysCommand.warn(
                "delegated credentials are encrypted with the session seal keys, and neither sessions.seal_keys nor the store gave one; set sessions.seal_keys",
                prefix: "error"
            )
            throw ExitCode(2)
        }
        return sealer
    }

    /// The keys the gateway seals with: `sessions.seal_keys`, then the store's own key (made
    /// here if the gateway has not made it yet: both then use the same one).
    static func sealKeys(_ config: GatewayConfig, store: SQLiteStore) -> [String] {
        SealKeysFromStore.keys(configured: config.sessions.sealKeys, store: store, logger: Logger(label: "switchboard.credentials")).map(\.value)
    }

    static func notDelegated(_ server: String, in config: GatewayConfig) -> String {
        config.servers.contains { $0.name == server }
            ? "server \(server) is not configured with credentials.delegated"
            : "no server named \(server) is in the config"
    }
}

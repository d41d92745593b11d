import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardIdentity
import SwitchboardStore

/// `switchboard keys`: API keys in the store the config names. A running gateway sees a
/// created or revoked key within about a second, without a restart.
///
/// Exit status: 0 done, 1 refused or failed (unknown key, duplicate name, store error),
/// 2 bad config, 64 bad arguments.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke API keys.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key and print it, once.",
            discussion: """
                The key is printed on stdout alone (KEY=$(switchboard keys create --name ci) works); \
                the store keeps only its SHA-256, so it cannot be shown again.
                """
        )

        @OptionGroup var options: ConfigOptions

        @Option(help: "Unique name of the key (letters, digits, '.', '_', '-'; at most 64): the principal key:NAME.")
        var name: String

        @Option(name: .customLong("role"), help: "A role for policy rules; repeat for more.")
        var roles: [String] = []

        @Option(help: "Tenant the key belongs to.")
        var tenant: String?

        @Option(name: .customLong("virtual-server"), help: "Limit the key to this virtual server; repeat for more. Default: all, and /mcp.")
        var virtualServers: [String] = []

        @Option(help: "Expiry: a lifetime (90m, 12h, 30d, 2w) or a date (2027-01-31, 2027-01-31T12:00:00Z). Default: never.")
        var expires: String?

        @Flag(help: "Print the key and its record as JSON.")
        var json = false

        func validate() throws {
            if let problem = APIKeyRules.problem(withName: name) { throw ValidationError("--name: \(problem)") }
            for role in roles {
                if let problem = APIKeyRules.problem(withLabel: role, what: "role") { throw ValidationError("--role: \(problem)") }
            }
            if let tenant, let problem = APIKeyRules.problem(withLabel: tenant, what: "tenant") {
                throw ValidationError("--tenant: \(problem)")
            }
            for server in virtualServers {
                if let problem = APIKeyRules.problem(withLabel: server, what: "virtual server") {
                    throw ValidationError("--virtual-server: \(problem)")
                }
            }
            try KeysCommand.checkExpires(expires)
        }

        func run() throws {
            let config = try options.load()
            let known = Set(config.virtualServers.map(\.name))
            for server in virtualServers where !known.contains(server) {
                KeysCommand.warn("virtual server \(server) is not in the config; the key cannot use it until it is")
            }
            let store = try KeysCommand.openStore(config)
            let expiresAt = try expires.map { text in
                do { return try APIKeyExpiry.parse(text, now: Date()) } catch { throw ValidationError("--expires: \(error)") }
            }
            let created = try KeysCommand.orFail {
                try store.createKey(
                    name: name,
                    roles: roles,
                    tenant: tenant,
                    virtualServers: virtualServers.isEmpty ? nil : virtualServers,
                    expiresAt: expiresAt
                )
            }
            if json {
                print(try KeysCommand.json(KeyView(created.record, key: created.key, now: Date())))
            } else {
                print(created.key)
                KeysCommand.note("created key \(created.record.name) (id \(created.record.id)); store it now: it is not shown again")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API keys (never their text or digest).")

        @OptionGroup var options: ConfigOptions

        @Flag(help: "Print the keys as a JSON array.")
        var json = false

        func run() throws {
            let config = try options.load()
            let store = try KeysCommand.openStore(config)
            let records = try KeysCommand.orFail { try store.listKeys() }
            let now = Date()
            if json {
                print(try KeysCommand.json(records.map { KeyView($0, key: nil, now: now) }))
                return
            }
            guard !records.isEmpty else {
                print("no API keys in \(store.location)")
                return
            }
            var rows = [["ID", "NAME", "STATUS", "ROLES", "TENANT", "VIRTUAL SERVERS", "CREATED", "EXPIRES", "LAST USED"]]
            for record in records {
                rows.append([
                    record.id, record.name, record.status(at: now).rawValue,
                    record.roles.isEmpty ? "-" : record.roles.joined(separator: ","),
                    record.tenant ?? "-",
                    record.virtualServers?.joined(separator: ",") ?? "all",
                    KeysCommand.format(record.createdAt), KeysCommand.format(record.expiresAt),
                    KeysCommand.format(record.lastUsedAt),
                ])
            }
            TextTable.print(rows)
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an API key by name or id; a running gateway refuses it within a second."
        )

        @OptionGroup var options: ConfigOptions

        @Argument(help: "The key's name or id (as `keys list` shows).")
        var nameOrID: String

        func run() throws {
            let config = try options.load()
            let store = try KeysCommand.openStore(config)
            guard let outcome = try KeysCommand.orFail({ try store.revokeKey(nameOrID: nameOrID) }) else {
                KeysCommand.warn("no API key has the name or id \(nameOrID)", prefix: "error")
                throw ExitCode(1)
            }
            let record = outcome.record
            if outcome.newlyRevoked {
                print("revoked key \(record.name) (id \(record.id))")
            } else {
                print("key \(record.name) (id \(record.id)) was already revoked at \(KeysCommand.format(record.revokedAt))")
            }
        }
    }

    /// A record as `--json` shows it: no digest; `key` only right after `create`.
    struct KeyView: Encodable {
        let record: APIKeyRecord
        let key: String?
        let status: APIKeyRecord.Status

        init(_ record: APIKeyRecord, key: String?, now: Date) {
            self.record = record
            self.key = key
            self.status = record.status(at: now)
        }

        enum CodingKeys: String, CodingKey {
            case id, name, key, status, roles, tenant, virtualServers = "virtual_servers"
            case createdAt = "created_at", expiresAt = "expires_at", revokedAt = "revoked_at", lastUsedAt = "last_used_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(record.id, forKey: .id)
            try container.encode(record.name, forKey: .name)
            try container.encodeIfPresent(key, forKey: .key)
            try container.encode(status.rawValue, forKey: .status)
            try container.encode(record.roles, forKey: .roles)
            // Explicit nulls: `virtual_servers: null` means all, which an absent field would hide.
            try container.encode(record.tenant, forKey: .tenant)
            try container.encode(record.virtualServers, forKey: .virtualServers)
            try container.encode(record.createdAt, forKey: .createdAt)
            try container.encode(record.expiresAt, forKey: .expiresAt)
            try container.encode(record.revokedAt, forKey: .revokedAt)
            try container.encode(record.lastUsedAt, forKey: .lastUsedAt)
        }
    }

    /// The store the config names. An in-memory store lives and dies with one process, so
    /// keys made here would never reach the gateway.
    /// `--expires` as `keys create` and `credentials set` take it: a lifetime or a date.
    static func checkExpires(_ expires: String?) throws {
        guard let expires else { return }
        do {
            _ = try APIKeyExpiry.parse(expires, now: Date())
        } catch {
            throw ValidationError("--expires: \(error)")
        }
    }

    static func openStore(_ config: GatewayConfig) throws -> SQLiteStore {
        if config.store == "sqlite::memory:" {
            warn("the config's store is sqlite::memory:, which lives only inside one process; set store: sqlite:PATH", prefix: "error")
            throw ExitCode(1)
        }
        return try orFail { try SQLiteStore(url: config.store) }
    }

    /// Prints a store error as `error: …` and exits 1.
    static func orFail<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError {
            warn(error.message, prefix: "error")
            throw ExitCode(1)
        }
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func format(_ date: Date?) -> String {
        guard let date else { return "-" }
        return date.formatted(.iso8601)
    }

    static func warn(_ message: String, prefix: String = "warning") {
        FileHandle.standardError.write(Data("\(prefix): \(message)\n".utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }
}

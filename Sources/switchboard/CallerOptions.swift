import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardIdentity
import SwitchboardPolicy
import SwitchboardStore

/// Who a dry run acts as: an API key of the store (`--as NAME_OR_ID`), or a principal spelled
/// out (`--principal jwt:alice --role agent --tenant acme`) for callers that come with tokens.
struct CallerOptions: ParsableArguments {
    @Option(name: .customLong("as"), help: "An API key's name or id from the store: act as that key's principal.")
    var key: String?

    @Option(help: "A principal id instead of a key: jwt:SUBJECT, cert:CN, key:NAME, local:USER or anonymous.")
    var principal: String?

    @Option(name: .customLong("role"), help: "With --principal: a role; repeat for more.")
    var roles: [String] = []

    @Option(help: "With --principal: the tenant.")
    var tenant: String?

    @Option(name: .customLong("virtual-server"), help: "Act through /mcp/NAME instead of /mcp.")
    var virtualServer: String?

    func validate() throws {
        if key != nil, principal != nil { throw ValidationError("give --as or --principal, not both") }
        if key != nil, !roles.isEmpty || tenant != nil { throw ValidationError("--role and --tenant go with --principal; a key has its own") }
    }

    /// The principal, read from the store for `--as`; anonymous when neither option is given.
    func resolve(config: GatewayConfig) throws -> Principal {
        try CallerResolver(config: config, needsKeys: key != nil).resolve(key: key, principal: principal, roles: roles, tenant: tenant)
    }
}

/// Turns `--as` / `--principal` spellings into principals; the store's keys are read once.
struct CallerResolver {
    private let records: [APIKeyRecord]

    init(config: GatewayConfig, needsKeys: Bool) throws {
        guard needsKeys else {
            records = []
            return
        }
        do {
            records = try SQLiteStore(url: config.store).listKeys()
        } catch {
            throw ValidationError("--as: the store could not be read: \(error)")
        }
    }

    func resolve(key: String?, principal: String?, roles: [String], tenant: String?) throws -> Principal {
        if let key {
            // A name may come back after a revoke: the active key of that name wins.
            let matches = records.filter { $0.id == key || $0.name == key }
            guard let chosen = matches.first(where: { $0.status(at: Date()) == .active }) ?? matches.first else {
                throw ValidationError("--as: no API key has the name or id \(key)")
            }
            return chosen.principal
        }
        guard let principal else { return Principal.anonymous(roles: Set(roles), tenant: tenant) }
        if principal == "anonymous" { return Principal.anonymous(roles: Set(roles), tenant: tenant) }
        guard let colon = principal.firstIndex(of: ":"), let kind = Principal.Kind(rawValue: String(principal[..<colon])),
            kind != .anonymous, principal.index(after: colon) < principal.endIndex
        else {
            throw ValidationError("--principal: expected KIND:NAME with KIND one of key, jwt, cert, local (or anonymous)")
        }
        return Principal(kind: kind, name: String(principal[principal.index(after: colon)...]), roles: Set(roles), tenant: tenant)
    }
}

package import Foundation
package import SwitchboardPolicy

/// One API key as the store and the directory know it: everything but the key text and its
/// digest, so a record is safe to list, encode and log.
package struct APIKeyRecord: Sendable, Hashable, Identifiable {
    /// Where a key stands at a given moment.
    package enum Status: String, Sendable, Hashable, CaseIterable {
        case active, revoked, expired
    }

    /// The 12-character id inside the key text; not secret.
    package let id: String
    /// Unique among keys that are not revoked; the principal's name (`key:NAME` in policy).
    package let name: String
    /// Sorted, without duplicates.
    package let roles: [String]
    package let tenant: String?
    /// Sorted, without duplicates; nil means every virtual server and `/mcp` itself.
    package let virtualServers: [String]?
    package let createdAt: Date
    package let expiresAt: Date?
    package var revokedAt: Date?
    package var lastUsedAt: Date?
    /// Built once here, not per request: the data plane hands it to policy on every call.
    package let principal: Principal

    package init(
        id: String,
        name: String,
        roles: [String] = [],
        tenant: String? = nil,
        virtualServers: [String]? = nil,
        createdAt: Date,
        expiresAt: Date? = nil,
        revokedAt: Date? = nil,
        lastUsedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.roles = Array(Set(roles)).sorted()
        self.tenant = tenant
        self.virtualServers = virtualServers.map { Array(Set($0)).sorted() }
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
        self.principal = Principal(
            kind: .apiKey,
            name: name,
            roles: Set(roles),
            tenant: tenant,
            virtualServers: virtualServers.map(Set.init)
        )
    }

    /// Revoked wins over expired: an operator's act says more than the calendar.
    package func status(at now: Date) -> Status {
        if revokedAt != nil { return .revoked }
        if let expiresAt, expiresAt <= now { return .expired }
        return .active
    }
}

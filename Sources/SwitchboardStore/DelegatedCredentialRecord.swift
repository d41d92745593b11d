package import Foundation

/// One stored delegated token as listings show it: never the token, sealed or not.
package struct DelegatedCredentialRecord: Sendable, Equatable {
    /// The caller's principal id (`key:alice`, `jwt:bob`).
    package var principal: String
    package var server: String
    package var createdAt: Date
    package var expiresAt: Date?

    package init(principal: String, server: String, createdAt: Date, expiresAt: Date?) {
        self.principal = principal
        self.server = server
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// One stored delegated token with its sealed form, for the gateway to open. The store treats
/// `sealed` as an opaque string: sealing and opening belong to the data plane.
package struct SealedDelegatedCredential: Sendable, Equatable {
    package var principal: String
    package var server: String
    package var sealed: String
    package var expiresAt: Date?

    package init(principal: String, server: String, sealed: String, expiresAt: Date?) {
        self.principal = principal
        self.server = server
        self.sealed = sealed
        self.expiresAt = expiresAt
    }
}

package import Foundation
import Synchronization

/// The delegated tokens in force, opened, by caller (principal id) and server: what every call
/// to a `delegated` server reads under a short lock. Filled from the store before the gateway
/// serves, replaced whole when the store changes (`DelegatedCredentialService`), and written
/// through at once by the admin API.
package final class DelegatedCredentials: Sendable {
    /// One stored token. Printing shows no token.
    package struct Credential: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
        package var token: String
        package var expiresAt: Date?

        package init(token: String, expiresAt: Date?) {
            self.token = token
            self.expiresAt = expiresAt
        }

        package var description: String { "<redacted>" + (expiresAt.map { " until \($0)" } ?? "") }
        package var customMirror: Mirror { Mirror(self, children: ["expiresAt": expiresAt as Any]) }
    }

    package struct Entry: Sendable, Equatable {
        package var principal: String
        package var server: String
        package var credential: Credential

        package init(principal: String, server: String, credential: Credential) {
            self.principal = principal
            self.server = server
            self.credential = credential
        }
    }

    /// principal id → server name → credential.
    private let credentials = Mutex<[String: [String: Credential]]>([:])
    private let now: @Sendable () -> Date

    package init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// The token to send for `principal` to `server`; nil when none is stored or it expired.
    package func token(principal: String, server: String) -> String? {
        guard let credential = credentials.withLock({ $0[principal]?[server] }) else { return nil }
        if let expiresAt = credential.expiresAt, now() >= expiresAt { return nil }
        return credential.token
    }

    package func replace(with entries: [Entry]) {
        var all: [String: [String: Credential]] = [:]
        for entry in entries { all[entry.principal, default: [:]][entry.server] = entry.credential }
        credentials.withLock { $0 = all }
    }

    package func set(_ credential: Credential, principal: String, server: String) {
        credentials.withLock { $0[principal, default: [:]][server] = credential }
    }

    package func remove(principal: String, server: String) {
        credentials.withLock { all in
            all[principal]?[server] = nil
            if all[principal]?.isEmpty == true { all[principal] = nil }
        }
    }

    /// How many tokens are held, expired ones included.
    package var count: Int {
        credentials.withLock { $0.values.reduce(0) { $0 + $1.count } }
    }
}

/// Why the store refused or failed. Messages are written for the operator (the CLI prints them
/// as they are) and never hold a key, a digest or a PostgreSQL URL.
package struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        package let rawValue: String
        package init(_ rawValue: String) { self.rawValue = rawValue }
        package var description: String { rawValue }

        /// A store URL this build cannot use (`postgres://`, an unknown scheme).
        package static let unsupportedStore = Code("unsupported_store")
        /// The file cannot be opened or is not a SQLite database.
        package static let unavailable = Code("unavailable")
        /// A name, role, tenant, virtual server or expiry that breaks the rules.
        package static let invalidInput = Code("invalid_input")
        /// A key that is not revoked already has this name.
        package static let duplicateName = Code("duplicate_name")
        /// No such record (an approval id).
        package static let notFound = Code("not_found")
        /// The record is not in a state that allows it (an approval decided already, expired).
        package static let conflict = Code("conflict")
        /// A statement failed (disk full, locked for too long, corrupt row).
        package static let database = Code("database")
    }

    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}

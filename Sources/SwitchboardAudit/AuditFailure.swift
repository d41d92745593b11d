/// Why the audit trail could not be opened, written or read, in one sentence naming the file.
package struct AuditFailure: Error, Sendable, Equatable, CustomStringConvertible {
    package let message: String

    package init(_ message: String) {
        self.message = message
    }

    package var description: String { message }
}

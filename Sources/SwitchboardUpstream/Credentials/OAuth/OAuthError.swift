/// Why an OAuth step toward a server's authorization server failed, in one sentence that names
/// the step and the host, never a token, code, verifier or secret.
package struct OAuthError: Error, Sendable, Equatable, CustomStringConvertible {
    package let message: String

    package init(_ message: String) {
        self.message = message
    }

    package var description: String { message }
}

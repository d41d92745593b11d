import SwitchboardUpstream

/// What a delegated token and the principal id it is stored for must look like. Checked where
/// a token enters (the command line, the admin API) so that a bad one is refused with a
/// reason instead of failing every call later. Messages never quote a token.
package enum DelegatedCredentialRules {
    /// Far above real access tokens, and low enough that the sealed form (a third larger, plus
    /// the header) stays under the `Sealer`'s limit and opens again.
    package static let maxTokenLength = 8 * 1024
    /// Subjects and certificate names are short; a limit keeps the store's key small.
    package static let maxPrincipalLength = 512
    /// The principal kinds a caller can have; `anonymous` is left out on purpose.
    static let principalKinds = ["key", "jwt", "cert", "local"]

    /// Why `token` cannot be stored; nil when it can.
    package static func problem(withToken token: String) -> String? {
        if token.isEmpty { return "the token is empty" }
        if token.utf8.count > maxTokenLength { return "the token is longer than \(maxTokenLength) bytes" }
        guard BearerHeaderValue.canCarry(token) else {
            return "the token holds a space, line break, control or non-ASCII character; it must travel in an HTTP header as one value"
        }
        return nil
    }

    /// Why `id` is not a principal id a delegated token can be stored for; nil when it is.
    package static func problem(withPrincipal id: String) -> String? {
        if id == "anonymous" {
            return "anonymous callers all share one identity; give the server a bearer_file instead of a delegated token"
        }
        guard let colon = id.firstIndex(of: ":"), principalKinds.contains(String(id[..<colon])), id.index(after: colon) < id.endIndex else {
            return "expected a principal id KIND:NAME with KIND one of \(principalKinds.joined(separator: ", ")) "
                + "(key:ci-bot, jwt:alice@example.com), as policy rules name principals"
        }
        if id.utf8.count > maxPrincipalLength { return "the principal id is longer than \(maxPrincipalLength) bytes" }
        // Control characters would also let two (principal, server) pairs share a sealing purpose.
        if id.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "the principal id holds a control character"
        }
        return nil
    }
}

/// Whether a token can be sent as `Authorization: Bearer <token>`: visible ASCII only
/// (RFC 9110 token68 and then some), so nothing in it could split or smuggle a header. Tokens
/// come from callers and from files anyone may edit, so every token is checked before it goes.
package enum BearerHeaderValue {
    package static func canCarry(_ token: String) -> Bool {
        !token.isEmpty && token.utf8.allSatisfy { $0 >= 0x21 && $0 <= 0x7E }
    }
}

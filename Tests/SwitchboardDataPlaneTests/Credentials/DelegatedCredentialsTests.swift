import Foundation
import Synchronization
import SwitchboardDataPlane
import Testing

/// The tokens stored per caller for `credentials.delegated` servers, and what a stored
/// principal id and token must look like.
@Suite("Delegated credentials map")
struct DelegatedCredentialsTests {
    @Test func theMapHonoursExpiryRemovalAndReplacement() {
        let clock = DateClock(Date(timeIntervalSince1970: 1_800_000_000))
        let credentials = DelegatedCredentials(now: { clock.now })
        let soon = Date(timeIntervalSince1970: 1_800_000_060)
        credentials.replace(with: [
            .init(principal: "key:alice", server: "crm", credential: .init(token: "a-crm", expiresAt: nil)),
            .init(principal: "key:alice", server: "billing", credential: .init(token: "a-billing", expiresAt: soon)),
            .init(principal: "jwt:bob", server: "crm", credential: .init(token: "b-crm", expiresAt: nil)),
        ])
        #expect(credentials.count == 3)
        #expect(credentials.token(principal: "key:alice", server: "crm") == "a-crm")
        #expect(credentials.token(principal: "key:alice", server: "billing") == "a-billing")
        #expect(credentials.token(principal: "jwt:bob", server: "crm") == "b-crm")
        #expect(credentials.token(principal: "key:bob", server: "crm") == nil, "kinds are part of the id")
        #expect(credentials.token(principal: "jwt:bob", server: "billing") == nil)

        clock.set(soon)
        #expect(credentials.token(principal: "key:alice", server: "billing") == nil, "expired")

        credentials.set(.init(token: "a-crm-2", expiresAt: nil), principal: "key:alice", server: "crm")
        #expect(credentials.token(principal: "key:alice", server: "crm") == "a-crm-2")
        credentials.remove(principal: "key:alice", server: "crm")
        #expect(credentials.token(principal: "key:alice", server: "crm") == nil)
        credentials.replace(with: [])
        #expect(credentials.count == 0)

        // Printing a credential shows no token.
        let credential = DelegatedCredentials.Credential(token: "secret-token", expiresAt: nil)
        var dumped = ""
        dump(credential, to: &dumped)
        #expect(!"\(credential)".contains("secret-token") && !dumped.contains("secret-token"))
    }

    @Test(arguments: [
        ("key:alice", nil),
        ("jwt:alice@example.com", nil),
        ("jwt:https://idp.example.com/users/42", nil),
        ("cert:agent-7", nil),
        ("local:ops", nil),
        ("anonymous", "anonymous callers all share one identity"),
        ("alice", "expected a principal id KIND:NAME"),
        ("key:", "expected a principal id KIND:NAME"),
        ("team:alice", "expected a principal id KIND:NAME"),
        ("key:a\u{0}b", "control character"),
        ("key:" + String(repeating: "a", count: 600), "longer than"),
    ] as [(String, String?)])
    func principalRules(id: String, problem: String?) {
        let found = DelegatedCredentialRules.problem(withPrincipal: id)
        if let problem {
            #expect(found?.contains(problem) == true, "\(found ?? "nil")")
        } else {
            #expect(found == nil)
        }
    }

    @Test(arguments: [
        ("eyJ.abc.def", nil),
        ("", "empty"),
        ("two words", "space"),
        ("line\nbreak", "line break"),
        ("café", "non-ASCII"),
        (String(repeating: "x", count: DelegatedCredentialRules.maxTokenLength + 1), "longer than"),
    ] as [(String, String?)])
    func tokenRules(token: String, problem: String?) {
        let found = DelegatedCredentialRules.problem(withToken: token)
        if let problem {
            #expect(found?.contains(problem) == true, "\(found ?? "nil")")
            #expect(found?.contains(token) != true || token.isEmpty, "never quotes the token")
        } else {
            #expect(found == nil)
        }
    }
}

/// A wall clock the test sets by hand.
final class DateClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func set(_ date: Date) { current.withLock { $0 = date } }
}

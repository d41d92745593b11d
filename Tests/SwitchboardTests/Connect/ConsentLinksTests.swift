import SwitchboardControl
import SwitchboardCore
import SwitchboardDataPlane
import Testing

@testable import Switchboard

/// The sealed values of the consent flow: bound to their server and purpose, refused when
/// altered, and query parameters read as browsers send them.
@Suite struct ConsentLinksTests {
    let links = ConsentLinks(sealer: Sealer(keyRing: SealKeyRing(secrets: ["a consent links test key, 32+ chars"])!), origin: "https://gw.example.com")

    @Test func aTicketOpensForItsServerOnly() throws {
        let link = links.link(server: "crm", by: "admin")
        #expect(link.hasPrefix("https://gw.example.com/connect/crm?ticket="))
        let sealed = String(link.split(separator: "=", maxSplits: 1)[1])
        let ticket = try #require(links.openTicket(sealed, server: "crm"))
        #expect(ticket.by == "admin" && !ticket.nonce.isEmpty)
        #expect(links.openTicket(sealed, server: "billing") == nil, "a link for one server opens no other")
        #expect(links.openState(sealed) == nil, "a ticket is no state")
        var altered = Array(sealed)
        altered[altered.count / 2] = altered[altered.count / 2] == "A" ? "B" : "A"
        #expect(links.openTicket(String(altered), server: "crm") == nil)
        #expect(links.link(server: "crm", by: "admin") != link, "every link is new")
    }

    @Test func aStateOpensToItsNonce() {
        let state = links.state(nonce: "n-1")
        #expect(links.openState(state) == "n-1")
        #expect(links.openTicket(state, server: "crm") == nil)
        #expect(links.callbackURL == "https://gw.example.com/oauth/callback")
    }

    @Test func readsQueryParameters() {
        let query: Substring = "code=a%2Fb&state=x+y&error=&other=1"
        #expect(QueryString.value("code", in: query) == "a/b")
        #expect(QueryString.value("state", in: query) == "x y")
        #expect(QueryString.value("error", in: query) == "")
        #expect(QueryString.value("missing", in: query) == nil)
        // A broken escape or bytes that are not UTF-8 do not decode; a path keeps its "+".
        #expect(QueryString.value("x", in: "x=%zz") == nil)
        #expect(QueryString.value("x", in: "x=%ff") == nil)
        #expect(QueryString.decode("a+b%20c", plusIsSpace: false) == "a+b c")
    }
}

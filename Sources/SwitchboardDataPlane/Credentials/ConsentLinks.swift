import Foundation
import SwitchboardCore

/// The sealed values of the consent flow, all with `sessions.seal_keys`: the ticket in a
/// consent link (which server, who asked; single-use, 10 minutes) and the OAuth `state` (which
/// pending authorization; single-use, 10 minutes). A value sealed for one purpose does not open
/// as another, so a ticket is no state and a ticket for one server opens for no other.
package struct ConsentLinks: Sendable {
    package static let lifetime = Duration.seconds(600)

    let sealer: Sealer
    /// Where browsers reach the gateway: `public_url`, else the listener.
    let origin: String

    package init(sealer: Sealer, origin: String) {
        self.sealer = sealer
        self.origin = origin
    }

    package var callbackURL: String { origin + "/oauth/callback" }

    package struct Ticket: Codable, Equatable {
        /// Single-use: the gateway remembers the nonces it has taken.
        package var nonce: String
        /// Who asked for the link (a principal id, or `admin` from the command line).
        package var by: String
    }

    package func link(server: String, by: String) -> String {
        let ticket = Ticket(nonce: Self.nonce(), by: by)
        let sealed = sealer.seal(Array((try? JSONEncoder().encode(ticket)) ?? Data()), purpose: Self.ticketPurpose(server), ttl: Self.lifetime)
        return origin + "/connect/" + server + "?ticket=" + sealed
    }

    package func openTicket(_ sealed: String, server: String) -> Ticket? {
        sealer.open(sealed, purpose: Self.ticketPurpose(server)).flatMap { try? JSONDecoder().decode(Ticket.self, from: Data($0)) }
    }

    package func state(nonce: String) -> String {
        sealer.seal(Array(nonce.utf8), purpose: "oauth-state", ttl: Self.lifetime)
    }

    package func openState(_ sealed: String) -> String? {
        sealer.open(sealed, purpose: "oauth-state").flatMap { String(validating: $0, as: UTF8.self) }
    }

    private static func ticketPurpose(_ server: String) -> String { "oauth-connect-ticket:" + server }

    /// 128 random bits (`SessionID`).
    package static func nonce() -> String { SessionID.generate() }
}

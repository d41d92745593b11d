package import Foundation
package import SwitchboardGuards

/// Where the guards keep their pins and the findings operators accepted, shared by every
/// process that opens the store (the gateway, `switchboard pins`).
package protocol PinStore: Sendable {
    /// Every pin, or one server's, ordered by server, kind and name.
    func pins(server: String?) throws(StoreError) -> [PinRecord]
    func pin(server: String, kind: PinRecord.Kind, name: String) throws(StoreError) -> PinRecord?
    /// Inserts or replaces the record (by server, kind and name).
    func savePin(_ record: PinRecord) throws(StoreError)
    /// Marks a server's pins it no longer lists as removed (kept, so a return as it was is no
    /// change); the number marked.
    @discardableResult
    func markRemoved(server: String, kind: PinRecord.Kind, listed: Set<String>) throws(StoreError) -> Int
    func acceptedFindings() throws(StoreError) -> [AcceptedFindingRecord]
    func accept(_ finding: AcceptedFindingRecord) throws(StoreError)
    /// False when there was no such acceptance.
    func revokeAcceptance(server: String, name: String, rule: String) throws(StoreError) -> Bool
}

/// A finding an operator let through for one tool.
package struct AcceptedFindingRecord: Sendable, Equatable {
    package var server: String
    package var name: String
    package var rule: String
    package var acceptedBy: String
    package var reason: String
    package var acceptedAt: Date

    package init(server: String, name: String, rule: String, acceptedBy: String, reason: String, acceptedAt: Date = Date()) {
        self.server = server
        self.name = name
        self.rule = rule
        self.acceptedBy = acceptedBy
        self.reason = reason
        self.acceptedAt = acceptedAt
    }

    package var finding: AcceptedFinding { AcceptedFinding(server: server, name: name, rule: rule) }
}

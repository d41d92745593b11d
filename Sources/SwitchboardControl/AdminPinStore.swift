package import SwitchboardGuards

/// What the admin API needs of the pins (`guards` pinning); the composition root backs it
/// with the store, so a decision made here reaches the gateway at its next poll of the store
/// (about a second), as one made with `switchboard pins` does. Calls block on the store and
/// are made off the event loops.
package protocol AdminPinStore: Sendable {
    /// Every pin, or one server's.
    func pins(server: String?) throws -> [PinRecord]
    func pin(server: String, kind: PinRecord.Kind, name: String) throws -> PinRecord?
    /// Inserts or replaces the record.
    func save(_ record: PinRecord) throws
    /// Lets one finding through for one tool.
    func accept(server: String, name: String, rule: String, by: String, reason: String) throws
    /// False when that finding was not accepted.
    func revokeAcceptance(server: String, name: String, rule: String) throws -> Bool
}

import SwitchboardControl
import SwitchboardGuards
import SwitchboardStore

/// The admin API's pin endpoints on the store.
struct StoreAdminPins: AdminPinStore {
    let store: any PinStore

    func pins(server: String?) throws -> [PinRecord] {
        try store.pins(server: server)
    }

    func pin(server: String, kind: PinRecord.Kind, name: String) throws -> PinRecord? {
        try store.pin(server: server, kind: kind, name: name)
    }

    func save(_ record: PinRecord) throws {
        try store.savePin(record)
    }

    func accept(server: String, name: String, rule: String, by: String, reason: String) throws {
        try store.accept(AcceptedFindingRecord(server: server, name: name, rule: rule, acceptedBy: by, reason: reason))
    }

    func revokeAcceptance(server: String, name: String, rule: String) throws -> Bool {
        try store.revokeAcceptance(server: server, name: name, rule: rule)
    }
}

/// A key just created: its record and, this once, its text. Printing, dumping or logging it
/// shows the record and `<redacted>`; only the `keys create` output reads `key`.
package struct CreatedAPIKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    package let record: APIKeyRecord
    package let key: String

    package init(record: APIKeyRecord, key: String) {
        self.record = record
        self.key = key
    }

    package var description: String { "CreatedAPIKey(id: \(record.id), name: \(record.name), key: <redacted>)" }
    package var debugDescription: String { description }
    package var customMirror: Mirror { Mirror(self, children: ["record": record]) }
}

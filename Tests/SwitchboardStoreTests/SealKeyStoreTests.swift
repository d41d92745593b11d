import Foundation
import SwitchboardStore
import Testing

/// The session seal key a store keeps when the config names none.
@Suite struct SealKeyStoreTests {
    @Test func madeOnceThenKept() throws {
        let path = NSTemporaryDirectory() + "seal-keys-\(UUID().uuidString).db"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try SQLiteStore(url: "sqlite:" + path).sealKeys()
        #expect(first.count == 1)
        #expect(first[0].utf8.count >= 32, "at least the length configured keys must have")
        #expect(first[0].allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        // Another process opening the same file gets the same key.
        #expect(try SQLiteStore(url: "sqlite:" + path).sealKeys() == first)
        // A different store makes its own.
        #expect(try SQLiteStore(url: "sqlite::memory:").sealKeys() != first)
    }
}

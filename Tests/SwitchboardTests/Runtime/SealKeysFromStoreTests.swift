import Logging
import SwitchboardCore
import SwitchboardStore
import Testing

@testable import Switchboard

/// Which seal keys a gateway uses: the store's own when none are configured; configured ones
/// first, the stored one kept after them to open what it sealed.
@Suite struct SealKeysFromStoreTests {
    @Test func theStoresKeyWhenNoneIsConfiguredAndAfterConfiguredOnes() throws {
        let store = try SQLiteStore(url: "sqlite::memory:")
        let logger = Logger(label: "test")
        let alone = SealKeysFromStore.keys(configured: [], store: store, logger: logger)
        #expect(alone.count == 1)
        let configured = SealSecret(String(repeating: "k", count: 40))
        let both = SealKeysFromStore.keys(configured: [configured], store: store, logger: logger)
        #expect(both.map(\.value) == [configured.value, alone[0].value])

        // A store that never made one is not made to by configured keys.
        let fresh = try SQLiteStore(url: "sqlite::memory:")
        #expect(SealKeysFromStore.keys(configured: [configured], store: fresh, logger: logger).map(\.value) == [configured.value])
        #expect(try fresh.sealKeys(making: false).isEmpty)
    }
}

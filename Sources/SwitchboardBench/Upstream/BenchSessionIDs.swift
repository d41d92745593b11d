import Synchronization

/// Session ids the bench upstream issues: a random per-process prefix and a counter, so checking
/// one needs no table and no lock, only the issued count. Deleted sessions stay valid: the
/// benchmark measures the gateway, not this server's bookkeeping.
final class BenchSessionIDs: Sendable {
    private let prefix: String
    private let issued = Atomic<Int>(0)

    init() {
        prefix = String(UInt64.random(in: 1...UInt64.max), radix: 16) + "-"
    }

    func issue() -> String {
        let number = issued.add(1, ordering: .relaxed).newValue
        return prefix + String(number)
    }

    func isKnown(_ id: String) -> Bool {
        guard id.hasPrefix(prefix), let number = Int(id.dropFirst(prefix.utf8.count)) else { return false }
        return number >= 1 && number <= issued.load(ordering: .relaxed)
    }
}

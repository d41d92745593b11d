import NIOCore
import SwitchboardGuards
import Synchronization

/// Results held for a 2026-07-28 caller while a human decides whether the model may see them
/// (`guards.results.injection: approve`): the call has run; its answer waits here, under a
/// handle sealed into the `requestState` of the `input_required` that asked, until the retry
/// takes it (once) or it expires. In memory and per replica: a retry that reaches another
/// replica, or comes after a restart, is told the result is gone (the call is never run again
/// behind the caller's back). Bounded like the held calls.
final class HeldResults: Sendable {
    struct Entry: Sendable {
        /// The result to release (marked, redacted), and where it came from.
        var release: ByteBuffer
        var method: String
        var server: String
        var block: GuardBlock
        /// What was found, for `guards.flow` once the caller has seen it.
        var findings: [ResultScanner.Finding]
        var expires: NIODeadline
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// False when full (expired entries are dropped first).
    func hold(_ entry: Entry, handle: String) -> Bool {
        entries.withLock { entries in
            if entries.count >= capacity {
                let now = NIODeadline.now()
                entries = entries.filter { $0.value.expires > now }
            }
            guard entries.count < capacity else { return false }
            entries[handle] = entry
            return true
        }
    }

    /// The entry, once; nil when unknown, taken already or expired.
    func take(_ handle: String) -> Entry? {
        entries.withLock { entries in
            guard let entry = entries.removeValue(forKey: handle), entry.expires > .now() else { return nil }
            return entry
        }
    }
}

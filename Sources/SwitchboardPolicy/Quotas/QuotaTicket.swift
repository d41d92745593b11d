import Synchronization

/// Proof of admission, holding the concurrency slots a call took. Release it when the call
/// ends; releasing again does nothing, and a ticket that is dropped unreleased gives its slots
/// back then, so an error path cannot leak them.
public final class QuotaTicket: Sendable {
    struct Slot: Sendable {
        let limit: Int
        let key: QuotaKey
    }

    private let owner: QuotaLimiter?
    private let slots: [Slot]
    private let released = Atomic<Bool>(false)

    init(owner: QuotaLimiter, slots: [Slot]) {
        self.owner = owner
        self.slots = slots
    }

    private init() {
        owner = nil
        slots = []
    }

    /// The ticket of a call that took no concurrency slot: shared, nothing to give back.
    public static let unlimited = QuotaTicket()

    /// Whether this ticket holds concurrency slots.
    public var holdsSlots: Bool { !slots.isEmpty }

    public func release() {
        guard let owner, !slots.isEmpty else { return }
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        owner.giveBack(slots)
    }

    deinit {
        release()
    }
}

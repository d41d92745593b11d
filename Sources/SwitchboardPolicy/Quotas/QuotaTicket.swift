import Synchronization

/// Proof of admission, holding the concurrency slots a call took. Release it when the call
/// ends; releasing again does nothing, and a ticket that is dropped unreleased gives its slots
/// back then, so an error path cannot leak them.
public final class QuotaTicket: Sendable {
    private let owner: QuotaLimiter?
    /// The limits in which the call holds a slot, and the call (without its arguments) to find
    /// each one's counter again: one object per call, no list of slots.
    private let holding: LimitSet
    private let call: CallFacts?
    private let released = Atomic<Bool>(false)

    init(owner: QuotaLimiter, holding: LimitSet, call: CallFacts) {
        self.owner = owner
        self.holding = holding
        self.call = call
    }

    private init() {
        owner = nil
        holding = LimitSet()
        call = nil
    }

    /// The ticket of a call that took no concurrency slot: shared, nothing to give back.
    public static let unlimited = QuotaTicket()

    /// Whether this ticket holds concurrency slots.
    public var holdsSlots: Bool { !holding.isEmpty }

    public func release() {
        guard let owner, let call, !holding.isEmpty else { return }
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        owner.giveBack(holding, of: call)
    }

    deinit {
        release()
    }
}

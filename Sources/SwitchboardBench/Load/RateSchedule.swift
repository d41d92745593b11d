import NIOCore

/// When one connection of an open-loop run means to send each request: connection `index` of
/// `connections` at `rate` requests/s sends at start + (index + n·connections)/rate, so the
/// connections together send `rate` per second, evenly spaced. Latency is measured from these
/// times, not from when a busy connection got to send, which corrects coordinated omission.
struct RateSchedule: Sendable {
    let rate: Double
    let connections: Int
    let index: Int
    let start: NIODeadline
    /// How many slots were taken.
    private(set) var taken = 0

    init(rate: Double, connections: Int, index: Int, start: NIODeadline) {
        self.rate = rate
        self.connections = connections
        self.index = index
        self.start = start
    }

    /// The intended time of slot `n`.
    func time(ofSlot n: Int) -> NIODeadline {
        start + .nanoseconds(Int64((Double(index + n * connections) * 1e9 / rate).rounded()))
    }

    /// Takes the next slot.
    mutating func next() -> NIODeadline {
        defer { taken += 1 }
        return time(ofSlot: taken)
    }

    /// How many slots not taken yet fall in `[from, to)`.
    func remaining(from: NIODeadline, to: NIODeadline) -> Int {
        // Slot n is at offset (index + n·connections)/rate; invert for the first slot at or after a time.
        func firstSlot(atOrAfter deadline: NIODeadline) -> Int {
            let seconds = Double((deadline - start).nanoseconds) / 1e9
            return max(0, Int(((seconds * rate - Double(index)) / Double(connections)).rounded(.up)))
        }
        let first = max(taken, firstSlot(atOrAfter: from))
        let end = firstSlot(atOrAfter: to)
        return max(0, end - first)
    }
}

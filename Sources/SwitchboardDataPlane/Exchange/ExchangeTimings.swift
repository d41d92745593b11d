package import NIOCore
import Synchronization

/// When one request crossed each step of the gateway, in monotonic nanoseconds (0: the step
/// was not reached; a list or a refused call is never routed upstream). Marked where the step
/// happens, on whichever thread that is, so the request's own record holds its latency
/// breakdown for logs, metrics, traces and audit.
package struct ExchangeTimings: Sendable, Equatable {
    package enum Mark: Sendable {
        /// The front door had the whole message.
        case received
        /// The caller was proven (the exchange was made).
        case authenticated
        /// The gateway chose the upstream server (after policy and quotas).
        case routed
        /// The request was handed to the upstream server.
        case upstreamSent
        /// The first thing the server sent about it (progress, a question, or the answer).
        case firstByte
        /// The final answer went to the client.
        case answered
    }

    package var received: UInt64
    package var authenticated: UInt64
    package var routed: UInt64
    package var upstreamSent: UInt64
    package var firstByte: UInt64
    package var answered: UInt64

    /// The clock the marks are read from (`clock_gettime(CLOCK_MONOTONIC)` through NIO).
    @inline(__always)
    package static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

    /// The marks of one exchange. Each is set once: a retry that answers the same call again
    /// does not move `firstByte`, and a final answer is final.
    final class Marks: Sendable {
        private let received: UInt64
        private let authenticated: UInt64
        private let routed = Atomic<UInt64>(0)
        private let upstreamSent = Atomic<UInt64>(0)
        private let firstByte = Atomic<UInt64>(0)
        private let answered = Atomic<UInt64>(0)

        init(received: UInt64, authenticated: UInt64) {
            self.received = received
            self.authenticated = authenticated
        }

        func set(_ mark: Mark) {
            switch mark {
            case .received, .authenticated: return  // fixed when the exchange is made
            case .routed: Self.setOnce(routed)
            case .upstreamSent: Self.setOnce(upstreamSent)
            case .firstByte: Self.setOnce(firstByte)
            case .answered: Self.setOnce(answered)
            }
        }

        private static func setOnce(_ slot: borrowing Atomic<UInt64>) {
            // Load first: after the first set this is one read, no write to a shared line.
            guard slot.load(ordering: .relaxed) == 0 else { return }
            _ = slot.compareExchange(expected: 0, desired: ExchangeTimings.now(), ordering: .relaxed)
        }

        var snapshot: ExchangeTimings {
            ExchangeTimings(
                received: received, authenticated: authenticated, routed: routed.load(ordering: .relaxed),
                upstreamSent: upstreamSent.load(ordering: .relaxed), firstByte: firstByte.load(ordering: .relaxed),
                answered: answered.load(ordering: .relaxed)
            )
        }
    }
}

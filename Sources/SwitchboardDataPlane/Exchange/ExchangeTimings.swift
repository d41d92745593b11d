import NIOCore

/// When one request crossed each step of the gateway, in monotonic nanoseconds (0: the step
/// was not reached; a list or a refused call is never routed upstream). Marked where the step
/// happens, on whichever thread that is, so the request's own record holds its latency
/// breakdown for logs, metrics, traces and audit.
package struct ExchangeTimings: Sendable, Equatable {
    /// The steps marked as the request goes; `received` and `authenticated` are fixed when
    /// the exchange is made.
    package enum Mark: Sendable {
        /// The gateway chose the upstream server (after policy and quotas).
        case routed
        /// The request was handed to the upstream server.
        case upstreamSent
        /// The first thing the server sent about it (progress, a question, or the answer).
        case firstByte
        /// The server's answer arrived.
        case upstreamAnswered
        /// The final answer went to the client.
        case answered
    }

    /// The front door had the whole message.
    package var received: UInt64
    /// The caller was proven (the exchange was made).
    package var authenticated: UInt64
    package var routed: UInt64
    package var upstreamSent: UInt64
    package var firstByte: UInt64
    package var upstreamAnswered: UInt64
    package var answered: UInt64

    /// The clock the marks are read from (`clock_gettime(CLOCK_MONOTONIC)` through NIO).
    @inline(__always)
    package static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }
}

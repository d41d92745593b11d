/// Why the gateway could not reach a host: one sentence naming the cause, never a secret.
/// `stage` says where it broke, for metrics and for the operator's first guess.
package struct OutboundError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Stage: String, Sendable {
        /// Reading certificate or key files, building the TLS context.
        case tlsSetup = "tls setup"
        /// The TCP connection (to the server or to the proxy).
        case connect
        /// The proxy's answer to `CONNECT`.
        case proxy
        /// The TLS handshake with the server.
        case tls
    }

    package var stage: Stage
    package var message: String

    package init(_ stage: Stage, _ message: String) {
        self.stage = stage
        self.message = message
    }

    package var description: String { message }
}

import Metrics
import Synchronization

/// The data plane's metric handles. Labels are bounded: server names come from the config,
/// methods from a fixed list; never session ids or argument values.
package enum GatewayMetrics {
    /// Upstream went from running to failed (crash, refused connection, failed handshake).
    package static let upstreamFailures = LabeledCounter("switchboard_upstream_failures_total", label: "server")
    /// A message from an upstream that could not be read as JSON-RPC.
    package static let upstreamProtocolErrors = LabeledCounter("switchboard_upstream_protocol_errors_total", label: "server")
    /// A list request could not include a server (down, slow, or an error answer).
    package static let listGaps = LabeledCounter("switchboard_list_gaps_total", label: "server")
    /// Tools or prompts left out of a merged list for an invalid or duplicate name.
    package static let rejectedNames = LabeledCounter("switchboard_rejected_names_total", label: "server")
    /// Requests answered with an error by the gateway itself, by JSON-RPC code.
    package static let gatewayErrors = LabeledCounter("switchboard_gateway_errors_total", label: "code")
}

/// A counter family with one label whose handles are made once per value and reused.
package final class LabeledCounter: Sendable {
    private let name: String
    private let label: String
    private let handles = Mutex<[String: Counter]>([:])

    init(_ name: String, label: String) {
        self.name = name
        self.label = label
    }

    package func increment(server value: String) {
        increment(value)
    }

    package func increment(_ value: String) {
        let counter = handles.withLock { h -> Counter in
            if let c = h[value] { return c }
            let c = Counter(label: name, dimensions: [(label, value)])
            h[value] = c
            return c
        }
        counter.increment()
    }
}

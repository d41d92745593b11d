package import SwitchboardCore

/// The upstream side's metric handles, labelled by server name (from the config).
package enum UpstreamMetrics {
    /// Upstream went from running to failed (crash, refused connection, failed handshake).
    package static let failures = LabeledCounter("switchboard_upstream_failures_total", label: "server")
    /// A message from an upstream that could not be read as JSON-RPC.
    package static let protocolErrors = LabeledCounter("switchboard_upstream_protocol_errors_total", label: "server")
}

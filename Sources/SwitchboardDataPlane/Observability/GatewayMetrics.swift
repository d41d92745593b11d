package import SwitchboardCore

/// The gateway core's metric handles. Labels are bounded: server names come from the config,
/// codes from the code's own lists; never session ids or argument values.
package enum GatewayMetrics {
    /// A list request could not include a server (down, slow, or an error answer).
    package static let listGaps = LabeledCounter("switchboard_list_gaps_total", label: "server")
    /// Tools or prompts left out of a merged list for an invalid or duplicate name.
    package static let rejectedNames = LabeledCounter("switchboard_rejected_names_total", label: "server")
    /// Requests answered with an error by the gateway itself, by JSON-RPC code.
    package static let gatewayErrors = LabeledCounter("switchboard_gateway_errors_total", label: "code")
}

/// Every metric the gateway exports, with its `# HELP` text and, for histograms, its buckets:
/// the exporter reads this table, `docs/observability.md` lists the same names, and a test
/// checks that nothing is exported without an entry here.
package enum MetricCatalogue {
    package struct Entry: Sendable {
        package let help: String
        /// The labels it may carry (some only on some series).
        package let labels: [String]
        /// Bucket bounds in seconds (histograms only).
        package let buckets: [Double]?

        init(_ help: String, labels: [String] = [], buckets: [Double]? = nil) {
            self.help = help
            self.labels = labels
            self.buckets = buckets
        }
    }

    /// MCP operations as seen by clients (OTel `mcp.server.operation.duration`): the
    /// semantic-conventions bounds from 10 ms up, below them bounds that resolve a fast
    /// upstream's half-millisecond.
    package static let operationBuckets: [Double] = [
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300,
    ]
    /// The gateway's own time per request: tens of microseconds to ten milliseconds.
    package static let overheadBuckets: [Double] = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01]

    package static let entries: [String: Entry] = [
        // Requests
        "mcp_server_operation_duration_seconds": Entry(
            "MCP requests answered to clients, from the whole message read to the answer sent, by method, server, tool and error type",
            labels: ["mcp_method_name", "error_type", "server", "gen_ai_tool_name"], buckets: operationBuckets
        ),
        "mcp_client_operation_duration_seconds": Entry(
            "MCP requests the gateway sent to servers, from the send to the server's answer, by method, server and error type",
            labels: ["mcp_method_name", "error_type", "server"], buckets: operationBuckets
        ),
        "switchboard_gateway_overhead_seconds": Entry(
            "Time each request spent in the gateway itself (the whole request minus the wait for the server), by method",
            labels: ["mcp_method_name"], buckets: overheadBuckets
        ),
        "switchboard_requests_total": Entry("Client requests and notifications read, by method", labels: ["method"]),
        "switchboard_gateway_errors_total": Entry("Requests the gateway answered with an error itself, by JSON-RPC code", labels: ["code"]),
        "switchboard_list_gaps_total": Entry("Merged lists that had to leave a server out (down, slow or failing), by server", labels: ["server"]),
        "switchboard_rejected_names_total": Entry("Tools or prompts left out of merged lists for an invalid or duplicate name, by server", labels: ["server"]),
        // Governance
        "switchboard_policy_decisions_total": Entry("Policy decisions on tool calls, by effect", labels: ["effect"]),
        "switchboard_quota_refusals_total": Entry("Calls refused by a rate limit or budget, by limit", labels: ["limit"]),
        // Guards
        "switchboard_guard_pin_events_total": Entry(
            "Tool pins that moved (first use, drift, revert, approval, rejection), by server and event", labels: ["server", "event"]
        ),
        "switchboard_guard_content_findings_total": Entry(
            "Findings of the result guards, by server, direction (result, arguments), kind (secret, pii, injection) and action",
            labels: ["server", "direction", "kind", "action"]
        ),
        "switchboard_guard_list_screen_seconds": Entry(
            "A tools list page through the guards, by outcome: unchanged (hashed and looked up) or scanned (new or changed definitions)",
            labels: ["outcome"], buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25]
        ),
        "switchboard_guard_flow_holds_total": Entry(
            "Calls of a conversation shown instructions in a result, held for a human (approve) or refused (block) by guards.flow", labels: ["action"]
        ),
        "switchboard_approvals_total": Entry("Approval requests filed and decided or spent, by state", labels: ["state"]),
        "switchboard_auth_refusals_total": Entry("Requests refused for their credentials, by reason", labels: ["reason"]),
        "switchboard_tls_handshake_failures_total": Entry("Downstream TLS connections that failed their handshake, by reason", labels: ["reason"]),
        "switchboard_tls_unnamed_certificates_total": Entry("Verified client certificates that named no principal, by reason", labels: ["reason"]),
        // Upstream servers
        "switchboard_upstream_up": Entry("1 when the server is ready, else 0, by server", labels: ["server"]),
        "switchboard_upstream_restarts": Entry("Times the server was restarted or reconnected since the gateway started, by server", labels: ["server"]),
        "switchboard_upstream_info": Entry("1 for each server, labelled with its transport and the protocol revision it speaks", labels: ["server", "transport", "mcp_protocol_version"]),
        "switchboard_upstream_failures_total": Entry("Servers going from running to failed (crash, refused connection, failed handshake), by server", labels: ["server"]),
        "switchboard_upstream_protocol_errors_total": Entry("Messages from servers that were not JSON-RPC, by server", labels: ["server"]),
        "switchboard_upstream_personal_sessions": Entry("Callers' own sessions to per-user OAuth servers open now"),
        "switchboard_oauth_consent_prompts_total": Entry("Callers sent a consent link because they had not connected their account"),
        // Sessions
        "switchboard_sessions_active": Entry("Client sessions held now (2025-11-25 and earlier; 2026-07-28 requests hold none)"),
        // Audit
        "switchboard_audit_records_total": Entry("Audit records written to the journal, by event", labels: ["event"]),
        "switchboard_audit_write_failures_total": Entry("Audit records that could not be written to the journal"),
        "switchboard_audit_last_seq": Entry("Sequence number of the last audit record written"),
        "switchboard_audit_sink_lag_records": Entry("Audit records written to the journal and not yet delivered to the sink, by sink", labels: ["sink"]),
        "switchboard_audit_sink_records_total": Entry("Audit records delivered to the sink, by sink", labels: ["sink"]),
        "switchboard_audit_sink_errors_total": Entry("Failed deliveries to the sink (each batch is offered again), by sink", labels: ["sink"]),
        // Traces
        "switchboard_trace_spans_exported_total": Entry("Spans sent to the OTLP endpoint"),
        "switchboard_trace_spans_dropped_total": Entry("Spans dropped: the export queue was full, or their export failed, by reason", labels: ["reason"]),
        // The process
        "switchboard_build_info": Entry("1, labelled with the gateway's version", labels: ["version"]),
    ]
}

package import CoreMetrics
import Metrics
import SwitchboardCore
import Synchronization

/// Each answered request's durations: `mcp_server_operation_duration_seconds` (the client's
/// view), `mcp_client_operation_duration_seconds` (the upstream hop), and
/// `switchboard_gateway_overhead_seconds` (the difference, the gateway's own cost).
///
/// Labels are bounded: methods from the code's list (else "other"), servers from the config,
/// error types from JSON-RPC codes. A tool is named only when its server answered the call
/// (an unknown tool is a JSON-RPC error, so a caller cannot mint label values by guessing
/// names), and at most `maxTools` tools are ever named; later ones are "_other". Principals,
/// sessions and ids never become labels. Handles are made once per label set and reused.
package final class RequestMetrics: Sendable {
    /// The instance the gateway records to (the bootstrapped `MetricsSystem`).
    package static let standard = RequestMetrics()

    package static let maxTools = 256

    /// One label set's handles.
    private struct Handles {
        let server: Timer
        let client: Timer?
    }

    private struct Key: Hashable {
        let method: String
        let server: String
        let tool: String
        let errorType: String
    }

    private struct State {
        var handles: [Key: Handles] = [:]
        var tools: Set<String> = []
        var overhead: [String: Timer] = [:]
    }

    private let state = Mutex(State())
    private let factory: (any MetricsFactory)?

    static let knownMethods: Set<String> = [
        MCPMethod.initialize, MCPMethod.ping, MCPMethod.toolsList, MCPMethod.toolsCall, MCPMethod.promptsList, MCPMethod.promptsGet,
        MCPMethod.resourcesList, MCPMethod.resourceTemplatesList, MCPMethod.resourcesRead, MCPMethod.resourcesSubscribe,
        MCPMethod.resourcesUnsubscribe, MCPMethod.completionComplete, MCPMethod.loggingSetLevel, MCPMethod.serverDiscover,
        MCPMethod.subscriptionsListen, MCPMethod.tasksGet, MCPMethod.tasksUpdate, MCPMethod.tasksCancel,
    ]

    /// `factory` nil is the bootstrapped `MetricsSystem` (tests pass their own).
    package init(factory: (any MetricsFactory)? = nil) {
        self.factory = factory
    }

    /// One answered request. `server` is the server it was routed to (nil: the gateway
    /// answered itself); `tool` the tool it named; `errorType` empty on success, else a
    /// JSON-RPC code or `tool_error`; times are monotonic nanoseconds (0: not reached).
    package func record(
        method: String, server: String?, tool: String?, errorType: String, received: UInt64, upstreamSent: UInt64, upstreamAnswered: UInt64,
        answered: UInt64
    ) {
        guard answered >= received, received != 0 else { return }
        let method = Self.knownMethods.contains(method) ? method : "other"
        let forwarded = server != nil && upstreamSent != 0 && upstreamAnswered >= upstreamSent
        // Named only when the server answered it as a tool (a result, possibly `isError`).
        let namesTool = forwarded && (errorType.isEmpty || errorType == "tool_error")
        let (handles, overhead) = state.withLock { state -> (Handles, Timer) in
            let toolLabel = namesTool ? Self.bounded(tool, in: &state.tools) : ""
            let key = Key(method: method, server: server ?? "", tool: toolLabel, errorType: errorType)
            let handles = state.handles[key] ?? make(key, into: &state)
            let overhead = state.overhead[method] ?? makeOverhead(method, into: &state)
            return (handles, overhead)
        }
        let total = answered - received
        handles.server.recordNanoseconds(Int64(clamping: total))
        if forwarded {
            let upstream = upstreamAnswered - upstreamSent
            handles.client?.recordNanoseconds(Int64(clamping: upstream))
            overhead.recordNanoseconds(Int64(clamping: total > upstream ? total - upstream : 0))
        } else {
            overhead.recordNanoseconds(Int64(clamping: total))
        }
    }

    /// The tool's label: its name while fewer than `maxTools` have been named, "_other" after.
    private static func bounded(_ tool: String?, in tools: inout Set<String>) -> String {
        guard let tool, !tool.isEmpty else { return "" }
        if tools.contains(tool) { return tool }
        guard tools.count < maxTools else { return "_other" }
        tools.insert(tool)
        return tool
    }

    private func make(_ key: Key, into state: inout State) -> Handles {
        var labels = [("mcp_method_name", key.method), ("error_type", key.errorType)]
        if !key.server.isEmpty { labels.append(("server", key.server)) }
        if !key.tool.isEmpty { labels.append(("gen_ai_tool_name", key.tool)) }
        let server = timer("mcp_server_operation_duration_seconds", labels)
        // The upstream hop has no tool of the client's naming: the server is what it measures.
        let client = key.server.isEmpty
            ? nil
            : timer("mcp_client_operation_duration_seconds", [("mcp_method_name", key.method), ("error_type", key.errorType), ("server", key.server)])
        let handles = Handles(server: server, client: client)
        state.handles[key] = handles
        return handles
    }

    private func makeOverhead(_ method: String, into state: inout State) -> Timer {
        let overhead = timer("switchboard_gateway_overhead_seconds", [("mcp_method_name", method)])
        state.overhead[method] = overhead
        return overhead
    }

    private func timer(_ label: String, _ dimensions: [(String, String)]) -> Timer {
        factory.map { Timer(label: label, dimensions: dimensions, factory: $0) } ?? Timer(label: label, dimensions: dimensions)
    }
}

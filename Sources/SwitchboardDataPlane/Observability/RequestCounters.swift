import Metrics
import SwitchboardCore

/// `switchboard_requests_total` by method, handles made once: known MCP methods, everything
/// else "other", so the label set stays bounded and counting takes no lock.
enum RequestCounters {
    private static let counters: [String: Counter] = Dictionary(uniqueKeysWithValues: [
        MCPMethod.initialize, MCPMethod.ping, MCPMethod.toolsList, MCPMethod.toolsCall, MCPMethod.promptsList,
        MCPMethod.promptsGet, MCPMethod.resourcesList, MCPMethod.resourceTemplatesList, MCPMethod.resourcesRead,
        MCPMethod.resourcesSubscribe, MCPMethod.resourcesUnsubscribe, MCPMethod.completionComplete, MCPMethod.loggingSetLevel,
    ].map { ($0, Counter(label: "switchboard_requests_total", dimensions: [("method", $0)])) })
    private static let other = Counter(label: "switchboard_requests_total", dimensions: [("method", "other")])

    static func counter(for method: String) -> Counter { counters[method] ?? other }
}

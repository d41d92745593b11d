import CoreMetrics
import Synchronization
import Testing
@testable import SwitchboardDataPlane

/// What each answered request records, and which label values it may create.
@Suite struct RequestMetricsTests {
    /// Timers that keep what they were given, by metric name and labels.
    final class RecordingFactory: MetricsFactory, Sendable {
        final class Handle: TimerHandler, Sendable {
            let values = Mutex<[Int64]>([])
            func recordNanoseconds(_ duration: Int64) { values.withLock { $0.append(duration) } }
        }

        let made = Mutex<[String: Handle]>([:])

        func recorded(_ label: String, _ dimensions: [String: String]) -> [Int64] {
            made.withLock { $0[Self.key(label, dimensions)]?.values.withLock { $0 } } ?? []
        }

        var labelSets: [String] { made.withLock { Array($0.keys).sorted() } }

        static func key(_ label: String, _ dimensions: [String: String]) -> String {
            label + "{" + dimensions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",") + "}"
        }

        func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
            let key = Self.key(label, Dictionary(uniqueKeysWithValues: dimensions))
            return made.withLock { made in
                if let handle = made[key] { return handle }
                let handle = Handle()
                made[key] = handle
                return handle
            }
        }

        func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { fatalError("unused") }
        func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler { fatalError("unused") }
        func destroyCounter(_ handler: any CounterHandler) {}
        func destroyRecorder(_ handler: any RecorderHandler) {}
        func destroyTimer(_ handler: any TimerHandler) {}
    }

    let server = "mcp_server_operation_duration_seconds"
    let client = "mcp_client_operation_duration_seconds"
    let overhead = "switchboard_gateway_overhead_seconds"

    /// A forwarded call: 1 ms in all, 800 µs of it at the server, 200 µs the gateway's.
    @Test func aForwardedCallSplitsServerAndGatewayTime() {
        let factory = RecordingFactory()
        let metrics = RequestMetrics(factory: factory)
        metrics.record(
            method: "tools/call", server: "crm", tool: "crm__find", errorType: "", received: 1_000_000, upstreamSent: 1_100_000,
            upstreamAnswered: 1_900_000, answered: 2_000_000
        )
        let labels = ["mcp_method_name": "tools/call", "error_type": "", "server": "crm"]
        #expect(factory.recorded(server, labels.merging(["gen_ai_tool_name": "crm__find"]) { $1 }) == [1_000_000])
        #expect(factory.recorded(client, labels) == [800_000])
        #expect(factory.recorded(overhead, ["mcp_method_name": "tools/call"]) == [200_000])
    }

    /// A list the gateway answers itself: no upstream hop, all of it the gateway's.
    @Test func anAnswerOfTheGatewayIsAllOverhead() {
        let factory = RecordingFactory()
        let metrics = RequestMetrics(factory: factory)
        metrics.record(method: "tools/list", server: nil, tool: nil, errorType: "", received: 10, upstreamSent: 0, upstreamAnswered: 0, answered: 60_010)
        #expect(factory.recorded(server, ["mcp_method_name": "tools/list", "error_type": ""]) == [60_000])
        #expect(factory.recorded(overhead, ["mcp_method_name": "tools/list"]) == [60_000])
        #expect(factory.labelSets.count == 2, "no client hop: \(factory.labelSets)")
    }

    /// A tool is named only when its server answered the call as a tool; an error (an unknown
    /// tool) names none, and past `maxTools` names new tools are "_other". Unknown methods are
    /// "other".
    @Test func labelValuesStayBounded() {
        let factory = RecordingFactory()
        let metrics = RequestMetrics(factory: factory)
        func call(_ tool: String, _ errorType: String = "", method: String = "tools/call") {
            metrics.record(method: method, server: "crm", tool: tool, errorType: errorType, received: 1, upstreamSent: 2, upstreamAnswered: 3, answered: 4)
        }
        call("crm__guessed", "-32602")
        #expect(factory.recorded(server, ["mcp_method_name": "tools/call", "error_type": "-32602", "server": "crm"]) == [3])
        call("crm__flaky", "tool_error")
        #expect(factory.recorded(server, ["mcp_method_name": "tools/call", "error_type": "tool_error", "server": "crm", "gen_ai_tool_name": "crm__flaky"]) == [3])
        for n in 0..<(RequestMetrics.maxTools + 5) { call("crm__t\(n)") }
        let named = Set(factory.labelSets.compactMap { $0.split(separator: "gen_ai_tool_name=").dropFirst().first?.split(separator: ",").first })
        #expect(named.count == RequestMetrics.maxTools + 1, "maxTools names and _other")
        #expect(named.contains("_other") && !named.contains("crm__guessed"))
        #expect(factory.recorded(server, ["mcp_method_name": "tools/call", "error_type": "", "server": "crm", "gen_ai_tool_name": "_other"]).count == 6, "crm__flaky took one of the names")
        call("x", method: "vendor/secret-method")
        #expect(factory.recorded(server, ["mcp_method_name": "other", "error_type": "", "server": "crm", "gen_ai_tool_name": "_other"]).count == 1)
    }
}

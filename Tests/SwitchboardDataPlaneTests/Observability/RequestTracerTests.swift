import NIOCore
import SwitchboardCore
@testable import SwitchboardDataPlane
import Synchronization
import Testing

/// The tracer's decisions, alone: a client's context as parent, link or nothing; sampling by
/// ratio on new traces and by the parent's flag otherwise; ids unique and never zero; and the
/// trace context written into a legacy request's `_meta`.
@Suite struct RequestTracerTests {
    final class Keeping: SpanRecorder {
        let spans = Mutex<[FinishedSpan]>([])
        func record(_ spans: [FinishedSpan]) { self.spans.withLock { $0 += spans } }
    }

    static let client = TraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")!

    static func tracer(_ inbound: TracesConfig.Inbound = .parent, ratio: Double = 1) -> RequestTracer {
        var config = TracesConfig()
        config.inbound = inbound
        config.sampleRatio = ratio
        return RequestTracer(config: config, recorder: Keeping())
    }

    @Test func aClientsContextIsTheParentAndItsFlagDecides() {
        let trace = Self.tracer().begin(inbound: Self.client, state: "a=1")
        #expect(trace.traceID == Self.client.traceID && trace.parent == Self.client.spanID && !trace.sampled, "the client did not sample")
        #expect(trace.traceState == "a=1" && trace.link == nil)
        let upstream = TraceParent(trace.upstreamTraceParent)
        #expect(upstream?.traceID == Self.client.traceID && upstream?.spanID == trace.clientSpan && upstream?.sampled == false)
        #expect(trace.serverSpan != trace.clientSpan && trace.serverSpan != 0 && trace.clientSpan != 0)
    }

    @Test func linkAndIgnoreStartTheirOwnTrace() {
        let linked = Self.tracer(.link).begin(inbound: Self.client, state: "a=1")
        #expect(linked.traceID != Self.client.traceID && linked.parent == nil && linked.link == Self.client && linked.traceState == nil)
        let ignored = Self.tracer(.ignore).begin(inbound: Self.client, state: nil)
        #expect(ignored.traceID != Self.client.traceID && ignored.parent == nil && ignored.link == nil)
    }

    @Test func newTracesAreSampledByRatio() {
        let none = Self.tracer(ratio: 0)
        #expect((0..<200).allSatisfy { _ in !none.begin(inbound: nil, state: nil).sampled })
        let all = Self.tracer(ratio: 1)
        #expect((0..<200).allSatisfy { _ in all.begin(inbound: nil, state: nil).sampled })
        let tenth = Self.tracer(ratio: 0.1)
        let sampled = (0..<20_000).filter { _ in tenth.begin(inbound: nil, state: nil).sampled }.count
        #expect((1500...2500).contains(sampled), "about a tenth: \(sampled)")
        let ids = Set((0..<10_000).map { _ in tenth.begin(inbound: nil, state: nil).traceID })
        #expect(ids.count == 10_000)
    }

    @Test func legacyParamsGetTheGatewaysContextInTheirMeta() throws {
        let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-01"
        func stamp(_ params: String, state: String? = nil) throws -> JSONView {
            try JSONView.parse(TracePropagation.stamp(ByteBuffer(string: params), traceParent: parent, traceState: state))
        }
        let none = try stamp(#"{"name":"echo","arguments":{"text":"x"}}"#)
        #expect(none["_meta"]?["traceparent"]?.string == parent && none["arguments"]?["text"]?.string == "x")
        let replaced = try stamp(#"{"name":"echo","_meta":{"progressToken":7,"traceparent":"00-old-old-01","tracestate":"old=1"}}"#, state: "a=1")
        #expect(replaced["_meta"]?["traceparent"]?.string == parent && replaced["_meta"]?["tracestate"]?.string == "a=1")
        #expect(replaced["_meta"]?["progressToken"]?.int == 7 && replaced["_meta"]?.members.count == 3)
        let empty = try stamp(#"{"_meta":{}}"#)
        #expect(empty["_meta"]?.members.map(\.key) == ["traceparent"])
    }
}

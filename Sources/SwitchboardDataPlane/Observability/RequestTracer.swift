import SwitchboardAudit
package import SwitchboardCore
import Synchronization

/// Spans of requests, on the data plane without a task or a lock of its own: each request's
/// trace is decided when something first needs it (routing, its audit record, its answer),
/// kept on its exchange, and its finished spans are handed to a `SpanRecorder` (the OTLP
/// exporter's bounded queue) after the answer is sent.
///
/// A request whose `params._meta.traceparent` parses is, by `inbound`, the child of that span
/// (its sampling decision followed), a new trace linking to it, or a new trace. A new trace is
/// kept when its id falls under `sampleRatio` (the OTel `TraceIdRatioBased` rule, so every
/// party sampling by ratio agrees). Unsampled requests still get ids: the upstream request
/// carries the trace on, flagged not sampled.
package final class RequestTracer: Sendable {
    package let config: TracesConfig
    let recorder: any SpanRecorder
    /// Traces whose id's top 56 bits of the low half fall below this are sampled.
    private let bound: UInt64
    private let counter: Atomic<UInt64>
    private let seed: UInt64
    /// Unix-epoch nanoseconds minus the monotonic clock, so span times need no clock call.
    let epochOffset: UInt64

    package init(config: TracesConfig, recorder: any SpanRecorder) {
        self.config = config
        self.recorder = recorder
        let ratio = min(1, max(0, config.sampleRatio))
        bound = ratio >= 1 ? .max : UInt64(ratio * Double(UInt64(1) << 56))
        var generator = SystemRandomNumberGenerator()
        seed = generator.next()
        counter = Atomic(generator.next())
        epochOffset = UInt64(AuditTime.nowMicroseconds()) * 1000 &- ExchangeTimings.now()
    }

    /// The trace of a request that carried `inbound` (its `_meta.traceparent`, parsed) and
    /// `state` (its `tracestate`).
    package func begin(inbound: TraceParent?, state: String?) -> ExchangeTrace {
        let server = nextID()
        let client = nextID()
        if let inbound, config.inbound == .parent {
            return ExchangeTrace(
                traceHigh: inbound.traceHigh, traceLow: inbound.traceLow, serverSpan: server, clientSpan: client, parent: inbound.spanID,
                link: nil, sampled: inbound.sampled, traceState: state
            )
        }
        let high = nextID()
        let low = nextID()
        return ExchangeTrace(
            traceHigh: high, traceLow: low, serverSpan: server, clientSpan: client, parent: nil,
            link: config.inbound == .link ? inbound : nil, sampled: bound == .max || (low >> 8) < bound, traceState: nil
        )
    }

    /// Unique, well spread, never zero: SplitMix64 over a counter from a random start.
    private func nextID() -> UInt64 {
        var z = counter.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue &+ seed
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return z == 0 ? 1 : z
    }
}

/// One request's place in a trace: the gateway's SERVER span for it, the CLIENT span of its
/// hop upstream, and what the upstream request carries in its `_meta`.
package struct ExchangeTrace: Sendable, Equatable {
    package let traceHigh: UInt64
    package let traceLow: UInt64
    package let serverSpan: UInt64
    package let clientSpan: UInt64
    /// The client's span, when it is the parent.
    package let parent: UInt64?
    /// The client's context, when it is only linked.
    package let link: TraceParent?
    package let sampled: Bool
    /// The client's `tracestate`, passed on when its context is the parent.
    package let traceState: String?

    package var traceID: String { TraceParent.hex(traceHigh) + TraceParent.hex(traceLow) }

    /// The `traceparent` of the upstream request: this trace, the CLIENT span as its parent.
    package var upstreamTraceParent: String {
        TraceParent(traceHigh: traceHigh, traceLow: traceLow, spanID: clientSpan, sampled: sampled).text
    }
}

/// Where finished spans go; `record` is called on event loops and must not block.
package protocol SpanRecorder: Sendable {
    func record(_ spans: [FinishedSpan])
}

/// A span as OTLP carries it.
package struct FinishedSpan: Sendable {
    package enum Kind: Int, Sendable {
        case server = 2
        case client = 3
    }

    package enum Value: Sendable, Equatable {
        case string(String)
        case int(Int)
    }

    package var traceHigh: UInt64
    package var traceLow: UInt64
    package var spanID: UInt64
    package var parentSpanID: UInt64?
    package var kind: Kind
    package var name: String
    /// Unix-epoch nanoseconds.
    package var start: UInt64
    package var end: UInt64
    package var attributes: [(String, Value)]
    /// Nil: unset; else the error's description.
    package var error: String?
    package var link: TraceParent?
    package var traceState: String?
}

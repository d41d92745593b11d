import Dispatch
import Foundation
import Logging
import Metrics
import NIOCore
import ServiceLifecycle
import SwitchboardCore
import SwitchboardDataPlane
import SwitchboardIdentity
import Synchronization

/// Sends finished spans to an OTLP/HTTP endpoint (JSON encoding, `POST …/v1/traces`), off the
/// data plane: `record` appends to a bounded queue under a lock (no task, no allocation beyond
/// the spans), and a thread of its own sends a batch every second, or as soon as 512 wait.
/// Traces are best effort: a full queue drops the newest spans and a failed export drops its
/// batch, both counted (`switchboard_trace_spans_dropped_total`), never slowing a call.
final class OTLPSpanExporter: SpanRecorder {
    static let capacity = 8192
    static let batch = 512

    private let client: OneShotHTTPClient
    private let headers: [HTTPHeaderField]
    private let serviceName: String
    private let version: String
    private let logger: Logger
    private let queue = Mutex<[FinishedSpan]>([])
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let stopping = Atomic(false)
    private let exported = Counter(label: "switchboard_trace_spans_exported_total")
    private let droppedFull = Counter(label: "switchboard_trace_spans_dropped_total", dimensions: [("reason", "queue_full")])
    private let droppedFailed = Counter(label: "switchboard_trace_spans_dropped_total", dimensions: [("reason", "export_failed")])

    init(config: TracesConfig, endpoint: WebURL, version: String, group: any EventLoopGroup, logger: Logger) {
        client = OneShotHTTPClient(url: HTTPExport.otlpURL(endpoint, signal: "traces"), group: group, timeout: config.timeout.timeAmount, maxBodyBytes: 64 * 1024)
        headers = config.headers
        serviceName = config.serviceName
        self.version = version
        self.logger = logger
    }

    var destination: String { client.url.redacted }

    func record(_ spans: [FinishedSpan]) {
        let (taken, wakeUp) = queue.withLock { queue -> (Int, Bool) in
            let room = max(0, Self.capacity - queue.count)
            let taken = min(room, spans.count)
            let before = queue.count
            queue.append(contentsOf: spans.prefix(taken))
            return (taken, before < Self.batch && queue.count >= Self.batch)
        }
        if taken < spans.count { droppedFull.increment(by: spans.count - taken) }
        if wakeUp { wake.signal() }
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "switchboard-otlp-traces"
        thread.start()
    }

    /// Sends what is queued, then stops.
    func stop() {
        stopping.store(true, ordering: .relaxed)
        wake.signal()
        finished.wait()
    }

    private func run() {
        while true {
            _ = wake.wait(timeout: .now() + .seconds(1))
            let stop = stopping.load(ordering: .relaxed)
            while let batch = take(), !batch.isEmpty {
                send(batch)
                if batch.count < Self.batch { break }
            }
            if stop { break }
        }
        finished.signal()
    }

    private func take() -> [FinishedSpan]? {
        queue.withLock { queue in
            let batch = Array(queue.prefix(Self.batch))
            queue.removeFirst(batch.count)
            return batch
        }
    }

    private func send(_ spans: [FinishedSpan]) {
        let body = OTLPJSON.request(
            kind: "Spans", items: "spans", resource: [("service.name", serviceName), ("service.version", version)], scope: "switchboard", version: nil
        ) { w in
            for span in spans { Self.write(span, into: &w) }
        }
        do {
            try HTTPExport.post(Array(body.readableBytesView), with: client, headers: headers, fields: [("Content-Type", "application/json")])
            exported.increment(by: spans.count)
        } catch {
            droppedFailed.increment(by: spans.count)
            logger.warning("spans not exported", metadata: ["error.message": "\(error)", "switchboard.spans": "\(spans.count)"])
        }
    }

    static func write(_ span: FinishedSpan, into w: inout JSONWriter) {
        w.beginObject()
        w.field("traceId", TraceParent.hex(span.traceHigh) + TraceParent.hex(span.traceLow))
        w.field("spanId", TraceParent.hex(span.spanID))
        if let parent = span.parentSpanID { w.field("parentSpanId", TraceParent.hex(parent)) }
        if let state = span.traceState { w.field("traceState", state) }
        w.field("name", span.name)
        w.field("kind", span.kind.rawValue)
        w.field("startTimeUnixNano", String(span.start))
        w.field("endTimeUnixNano", String(span.end))
        w.key("attributes")
        w.beginArray()
        for (key, value) in span.attributes { OTLPJSON.attribute(&w, key, value) }
        w.endArray()
        if let link = span.link {
            w.key("links")
            w.beginArray()
            w.beginObject()
            w.field("traceId", link.traceID)
            w.field("spanId", TraceParent.hex(link.spanID))
            w.endObject()
            w.endArray()
        }
        if let error = span.error {
            w.key("status")
            w.beginObject()
            w.field("code", 2)
            w.field("message", error)
            w.endObject()
        }
        w.endObject()
    }
}

/// Runs the exporter's thread from start to stop. It starts before the gateway, so it stops
/// after it: the last requests' spans are sent.
struct SpanExportService: Service {
    let exporter: OTLPSpanExporter

    func run() async throws {
        exporter.start()
        try? await gracefulShutdown()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread {
                exporter.stop()
                done.resume()
            }.start()
        }
    }
}

/// `traces` as configured, or from the OpenTelemetry environment variables when the config
/// names no endpoint: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as it is) or
/// `OTEL_EXPORTER_OTLP_ENDPOINT` (`/v1/traces` added), `OTEL_EXPORTER_OTLP_HEADERS`,
/// `OTEL_TRACES_SAMPLER_ARG` (the ratio), `OTEL_SERVICE_NAME`.
enum TracesSetup {
    static func resolve(_ config: TracesConfig, environment: [String: String]) throws -> TracesConfig {
        guard config.endpoint == nil else { return config }
        var traces = config
        let variable = environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"].map { ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", $0) }
            ?? environment["OTEL_EXPORTER_OTLP_ENDPOINT"].map { ("OTEL_EXPORTER_OTLP_ENDPOINT", $0) }
        guard let (name, text) = variable, !text.isEmpty else { return config }
        do {
            traces.endpoint = try WebURLSyntax.parse(text)
        } catch {
            throw RuntimeError(message: "\(name): \(error.message)")
        }
        if let ratio = environment["OTEL_TRACES_SAMPLER_ARG"] {
            guard let value = Double(ratio), (0...1).contains(value) else {
                throw RuntimeError(message: "OTEL_TRACES_SAMPLER_ARG: expected a share of traces from 0 to 1, got \"\(ratio)\"")
            }
            traces.sampleRatio = value
        }
        if let service = environment["OTEL_SERVICE_NAME"], !service.isEmpty { traces.serviceName = service }
        if let pairs = environment["OTEL_EXPORTER_OTLP_HEADERS"] {
            for pair in pairs.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { throw RuntimeError(message: "OTEL_EXPORTER_OTLP_HEADERS: expected key=value pairs separated by commas") }
                let key = parts[0].trimmingCharacters(in: .whitespaces)
                let value = (String(parts[1]).removingPercentEncoding ?? String(parts[1])).trimmingCharacters(in: .whitespaces)
                traces.headers.append(HTTPHeaderField(name: key, value: value))
            }
        }
        return traces
    }
}

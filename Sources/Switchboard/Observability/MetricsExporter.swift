import CoreMetrics
import Metrics
package import NIOCore
import Prometheus
package import SwitchboardAudit
import SwitchboardCore
import SwitchboardUpstream
package import SwitchboardDataPlane

/// The process's metrics backend and `/metrics`: every handle the gateway makes (through
/// swift-metrics) lands in one Prometheus registry, with its `# HELP` text and buckets from
/// `MetricCatalogue`; a scrape first sets the gauges that describe the present (servers,
/// sessions, the audit trail), then writes the registry out.
///
/// Bootstrapped once per process (swift-metrics allows one backend): gateways started later in
/// the same process, as in tests, export to the same registry.
package enum MetricsExporter {
    static let registry = PrometheusCollectorRegistry()

    private static let bootstrapped: Void = {
        MetricsSystem.bootstrap(CataloguedFactory(registry: registry))
    }()

    /// Makes the registry the process's metrics backend; later calls do nothing.
    package static func bootstrap() {
        _ = bootstrapped
    }

    /// The exposition (Prometheus text format 0.0.4) for `gateway`.
    package static func render(_ gateway: Gateway, audit: AuditJournal?) -> ByteBuffer {
        bootstrap()
        refreshGauges(gateway, audit: audit)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16 << 10)
        registry.emit(into: &bytes)
        return ByteBuffer(bytes: bytes)
    }

    package static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private static func refreshGauges(_ gateway: Gateway, audit: AuditJournal?) {
        for server in gateway.servers.all {
            let status = server.status
            let labels = [("server", status.name)]
            gauge("switchboard_upstream_up", labels).set(to: status.phase == .ready ? 1.0 : 0.0)
            gauge("switchboard_upstream_restarts", labels).set(to: Double(status.restarts))
            gauge("switchboard_upstream_info", [
                ("server", status.name), ("transport", status.transport), ("mcp_protocol_version", status.protocolVersion ?? ""),
            ]).set(to: 1.0)
        }
        gauge("switchboard_sessions_active").set(to: Double(gateway.sessions.count))
        if let audit { gauge("switchboard_audit_last_seq").set(to: Double(audit.lastSeq)) }
        gauge("switchboard_build_info", [("version", GatewayRuntime.version)]).set(to: 1.0)
    }

    private static func gauge(_ name: String, _ labels: [(String, String)] = []) -> Prometheus.Gauge {
        let descriptor = CataloguedFactory.descriptor(name)
        return labels.isEmpty ? registry.makeGauge(descriptor: descriptor) : registry.makeGauge(descriptor: descriptor, labels: labels)
    }
}

/// swift-metrics' factory over the registry, with each metric's help text and buckets taken
/// from `MetricCatalogue` (Prometheus' own factory writes no `# HELP`).
struct CataloguedFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry

    /// The metric's name with its help text (an empty unit leaves the name as it is).
    static func descriptor(_ name: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: MetricCatalogue.entries[name]?.help ?? "")
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        dimensions.isEmpty
            ? registry.makeCounter(descriptor: Self.descriptor(label))
            : registry.makeCounter(descriptor: Self.descriptor(label), labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        dimensions.isEmpty
            ? registry.makeCounter(descriptor: Self.descriptor(label))
            : registry.makeCounter(descriptor: Self.descriptor(label), labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return makeGauge(label, dimensions) }
        let buckets = MetricCatalogue.entries[label]?.buckets ?? MetricCatalogue.operationBuckets
        return dimensions.isEmpty
            ? registry.makeValueHistogram(descriptor: Self.descriptor(label), buckets: buckets)
            : registry.makeValueHistogram(descriptor: Self.descriptor(label), labels: dimensions, buckets: buckets)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        makeGauge(label, dimensions)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let seconds = MetricCatalogue.entries[label]?.buckets ?? MetricCatalogue.operationBuckets
        let buckets = seconds.map { Duration.nanoseconds(Int64(($0 * 1e9).rounded())) }
        return dimensions.isEmpty
            ? registry.makeDurationHistogram(descriptor: Self.descriptor(label), buckets: buckets)
            : registry.makeDurationHistogram(descriptor: Self.descriptor(label), labels: dimensions, buckets: buckets)
    }

    private func makeGauge(_ label: String, _ dimensions: [(String, String)]) -> Prometheus.Gauge {
        dimensions.isEmpty ? registry.makeGauge(descriptor: Self.descriptor(label)) : registry.makeGauge(descriptor: Self.descriptor(label), labels: dimensions)
    }

    func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
        if let histogram = handler as? ValueHistogram { registry.unregisterValueHistogram(histogram) }
    }

    func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}

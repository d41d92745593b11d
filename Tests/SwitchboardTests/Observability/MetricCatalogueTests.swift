import CoreMetrics
import Foundation
import Prometheus
import SwitchboardCore
import Testing

@testable import Switchboard

/// The metric catalogue is what the exporter describes and what the manual lists.
@Suite struct MetricCatalogueTests {
    /// Every metric has its row in docs/observability.md, with its labels, and no row names a
    /// metric the gateway does not export.
    @Test func theManualListsEveryMetricWithItsLabels() throws {
        let manual = try String(contentsOf: RepositoryFiles.url("docs/observability.md"), encoding: .utf8)
        let rows = manual.split(separator: "\n").filter { $0.hasPrefix("| `mcp_") || $0.hasPrefix("| `switchboard_") }
        var documented: Set<String> = []
        for row in rows {
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let name = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            documented.insert(name)
            let entry = try #require(MetricCatalogue.entries[name], "\(name) is documented but not in MetricCatalogue")
            let labels = cells[2] == "—" ? [] : cells[2].split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "` ")) }
            #expect(labels == entry.labels, "\(name): the manual says \(labels), the catalogue \(entry.labels)")
            let kind = entry.buckets != nil ? "histogram" : name.hasSuffix("_total") ? "counter" : "gauge"
            #expect(cells[1] == kind, "\(name) is a \(kind)")
        }
        #expect(documented == Set(MetricCatalogue.entries.keys), "missing from the manual: \(Set(MetricCatalogue.entries.keys).subtracting(documented))")
    }

    /// Handles made through swift-metrics get the catalogue's help text and buckets.
    @Test func theFactoryDescribesWhatItMakes() {
        let registry = PrometheusCollectorRegistry()
        let factory = CataloguedFactory(registry: registry)
        let timer = factory.makeTimer(label: "switchboard_gateway_overhead_seconds", dimensions: [("mcp_method_name", "tools/call")])
        timer.recordNanoseconds(30_000)
        let counter = factory.makeCounter(label: "switchboard_audit_write_failures_total", dimensions: [])
        counter.increment(by: 2)
        var bytes: [UInt8] = []
        registry.emit(into: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("# HELP switchboard_gateway_overhead_seconds Time each request spent in the gateway itself"), "\(text)")
        #expect(text.contains(#"switchboard_gateway_overhead_seconds_bucket{mcp_method_name="tools/call",le="0.000025"} 0"#), "\(text)")
        #expect(text.contains(#"switchboard_gateway_overhead_seconds_bucket{mcp_method_name="tools/call",le="0.00005"} 1"#), "\(text)")
        #expect(text.contains("switchboard_audit_write_failures_total 2"), "\(text)")
    }
}

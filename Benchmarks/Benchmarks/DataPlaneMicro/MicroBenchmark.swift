import Benchmark
import Foundation

/// Registers one workload. Instructions are counted by a twin benchmark of their own because
/// on Linux package-benchmark reads `/proc` around every iteration that asks for them, and
/// those reads allocate inside the measured window (16–18 mallocs), which would make the
/// allocation count inexact. The twin exists only where the CPU exposes an instruction
/// counter to `perf_event_open` (not in most VMs, where the metric would read 0).
enum MicroBenchmark {
    static func register(
        _ name: String,
        scalingFactor: BenchmarkScalingFactor = .one,
        _ body: @escaping @Sendable (Benchmark) throws -> Void
    ) {
        Benchmark(name, configuration: .init(scalingFactor: scalingFactor, thresholds: allocations), closure: body)
        if hasInstructionCounter {
            let configuration = Benchmark.Configuration(metrics: [.instructions], scalingFactor: scalingFactor, thresholds: instructions)
            Benchmark(name + ".instructions", configuration: configuration, closure: body)
        }
    }

    /// Exact: one more allocation per message is a regression. Time is reported but not
    /// checked (`scripts/bench-micro --update` keeps it out of `Thresholds/`): on a shared
    /// 2-core machine its p90 moves by 2–4× with whatever else is running.
    static var allocations: [BenchmarkMetric: BenchmarkThresholds] { [.mallocCountTotal: .init(absolute: [.p90: 0])] }
    static var instructions: [BenchmarkMetric: BenchmarkThresholds] { [.instructions: .init(relative: [.p90: 2.0])] }

    /// A PMU that names an instructions event: `cpu` (x86), `cpu_core` (hybrid Intel), `armv8_pmuv3_0`.
    static let hasInstructionCounter: Bool = {
        let devices = "/sys/bus/event_source/devices"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: devices)) ?? []
        return names.contains { device in
            ["instructions", "inst_retired"].contains { FileManager.default.fileExists(atPath: "\(devices)/\(device)/events/\($0)") }
        }
    }()
}

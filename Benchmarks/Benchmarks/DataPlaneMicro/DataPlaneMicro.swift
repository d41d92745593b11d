import Benchmark

/// Micro-benchmarks of the data-plane building blocks: what every proxied message pays for
/// before any I/O. Inputs are built once, outside the measured loop.
///
/// Checked against `Thresholds/` by `scripts/bench-micro`: allocation counts must match
/// exactly, instruction counts within 2 % (where the kernel exposes the counter; it reads 0
/// on machines without one and then never fails), and time only within a wide band, because
/// shared 2-core machines are noisy.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.mallocCountTotal, .instructions, .wallClock, .throughput],
        timeUnits: .microseconds,
        warmupIterations: 10,
        maxDuration: .seconds(1),
        maxIterations: 10_000,
        thresholds: [
            .mallocCountTotal: .init(absolute: [.p90: 0]),
            .instructions: .init(relative: [.p90: 2.0]),
            .wallClock: .init(relative: [.p90: 100.0]),
            .throughput: .init(relative: [.p90: 50.0]),
        ]
    )

    EnvelopeBenchmarks.register()
    FederationBenchmarks.register()
    FramingBenchmarks.register()
}

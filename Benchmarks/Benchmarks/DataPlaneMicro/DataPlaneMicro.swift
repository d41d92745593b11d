import Benchmark

/// Micro-benchmarks of the data-plane building blocks: what every proxied message pays for
/// before any I/O. Inputs are built once, outside the measured loop. Run and checked by
/// `scripts/bench-micro`; the thresholds it checks are in `Thresholds/`.
///
/// Names avoid spaces and slashes: package-benchmark writes threshold files with those
/// replaced but looks them up verbatim, so such a benchmark would never be checked.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.mallocCountTotal, .wallClock, .throughput],
        timeUnits: .microseconds,
        warmupIterations: 10,
        maxDuration: .seconds(1),
        maxIterations: 10_000
    )

    EnvelopeBenchmarks.register()
    FederationBenchmarks.register()
    FramingBenchmarks.register()
    GuardBenchmarks.register()
}

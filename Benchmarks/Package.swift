// swift-tools-version: 6.1
import PackageDescription

// Micro-benchmarks of the data-plane building blocks (package-benchmark). A separate package
// so the root package does not depend on the benchmark tooling; run with scripts/bench-micro.
let package = Package(
    name: "SwitchboardBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Switchboard", path: ".."),
        // The trait gives the malloc counters on Swift 6.3 (an interposer preloaded into the run).
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "DataPlaneMicro",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Switchboard", package: "Switchboard"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/DataPlaneMicro",
            swiftSettings: [
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("MemberImportVisibility"),
                .enableUpcomingFeature("InternalImportsByDefault"),
            ],
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
    ]
)

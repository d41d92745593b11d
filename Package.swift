// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Switchboard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "switchboard", targets: ["switchboard"]),
        .executable(name: "switchboard-bench", targets: ["SwitchboardBench"]),
        .library(name: "Switchboard", targets: ["Switchboard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // OpenAPI 3.0/3.1 documents read into tools. No traits: external loading (async, slower
        // to build) is not used; a `$ref` to another file is a finding.
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.4.0", traits: []),
    ],
    targets: [
        // Envelope scanning, JSON writing, JSON-RPC ids and errors, SSE and line framing.
        .target(
            name: "SwitchboardCore",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                // The metrics API only (no backend): handles made once, bounded labels.
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // Pure and synchronous: principals, compiled policy rules and their decisions, quotas.
        .target(
            name: "SwitchboardPolicy",
            dependencies: [
                "SwitchboardCore",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Who is calling: API key digests, JWT bearer tokens checked against a JWKS (jwt-kit).
        .target(
            name: "SwitchboardIdentity",
            dependencies: [
                "SwitchboardCore",
                "SwitchboardPolicy",
                "SwitchboardOutbound",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // Client certificates (mutual TLS) read into principals.
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // How the gateway reaches other hosts: TLS toward servers (verified, explained when it
        // fails), forward proxies from the environment or the config, CONNECT tunnels.
        .target(
            name: "SwitchboardOutbound",
            dependencies: [
                "SwitchboardCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // Naming the issuer and subject of a refused certificate.
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        // The embedded store (SQLite through GRDB): API keys, delegated tokens and the audit
        // trail's index, what must outlive a process.
        .target(
            name: "SwitchboardStore",
            dependencies: [
                "SwitchboardIdentity",
                // Pins and accepted findings.
                "SwitchboardGuards",
                // The index of the audit trail (a sink of the journal).
                "SwitchboardAudit",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The client side toward MCP servers: one upstream session per configured server over
        // stdio, Streamable HTTP or HTTP+SSE in either protocol era, pooled HTTP, upstream credentials.
        // Knows nothing of downstream clients or the gateway above it.
        // The audit trail's journal: records, the hash chain, recovery after a crash, verify.
        // Knows nothing of requests; the data plane fills its records.
        .target(
            name: "SwitchboardAudit",
            dependencies: [
                "SwitchboardCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                // Sinks report their lag and failures.
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // glibc's closefrom spawn action, which Swift cannot see.
        .target(name: "CSwitchboardSpawn"),
        // The result screen's byte classifier: SSE2 compares and movemask, 16 bytes at a time.
        .target(name: "CSwitchboardScan"),
        .target(
            name: "SwitchboardUpstream",
            dependencies: [
                "CSwitchboardSpawn",
                "SwitchboardCore",
                "SwitchboardIdentity",
                "SwitchboardOutbound",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                // PKCE's S256 challenge.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The MCP data plane: front doors (HTTP, stdio), sessions, catalogue, call routing, bridging.
        .target(
            name: "SwitchboardDataPlane",
            dependencies: [
                "SwitchboardAudit",
                // Definitions scanned and pinned as lists pass (DefinitionGuard).
                "SwitchboardGuards",
                "SwitchboardCore",
                "SwitchboardPolicy",
                "SwitchboardIdentity",
                "SwitchboardUpstream",
                // The route a caller's own session shares with its server's (PersonalUpstreams).
                "SwitchboardOutbound",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The guards against what servers tell models: definition scanning (tool poisoning,
        // shadowing, spoofed names). Pure and synchronous, no network and no model; run when a
        // server's lists are ingested and by `switchboard scan`, never per call.
        .target(
            name: "SwitchboardGuards",
            dependencies: [
                "CSwitchboardScan",
                "SwitchboardCore",
                .product(name: "NIOCore", package: "swift-nio"),
                // Pins: SHA-256 of canonical definitions.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // The built-in rule set, versioned data compiled into the binary.
            resources: [.embedInCode("Rules/guard-rules.json")],
            swiftSettings: swiftSettings
        ),
        // The control plane served beside the data plane: the admin API (`/admin/v1`), wired to
        // the listener by the runtime. Foundation JSON and store calls, never on the MCP path.
        .target(
            name: "SwitchboardControl",
            dependencies: [
                "SwitchboardCore",
                // Audit queries, sink status and verify on the admin API.
                "SwitchboardAudit",
                "SwitchboardPolicy",
                // The approval queue (ApprovalRecord) on the admin API.
                "SwitchboardGuards",
                "SwitchboardIdentity",
                "SwitchboardDataPlane",
                // The servers' status on the admin API and the console.
                "SwitchboardUpstream",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // REST APIs described by OpenAPI 3.0/3.1, compiled into MCP tools and the plans to call
        // them (`servers.NAME.openapi`). Runs when the config is loaded, never per call.
        .target(
            name: "SwitchboardOpenAPI",
            dependencies: [
                "SwitchboardCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
                .product(name: "OpenAPIKit30", package: "OpenAPIKit"),
                .product(name: "OpenAPIKitCompat", package: "OpenAPIKit"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // The built-in demo MCP server (stdio and Streamable HTTP) used by the quick start and tests.
        .target(
            name: "SwitchboardDemo",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Composition root: configuration, services, lifecycle.
        .target(
            name: "Switchboard",
            dependencies: [
                "SwitchboardAudit",
                "SwitchboardGuards",
                "SwitchboardCore",
                "SwitchboardDataPlane",
                "SwitchboardUpstream",
                "SwitchboardControl",
                "SwitchboardPolicy",
                "SwitchboardIdentity",
                "SwitchboardStore",
                "SwitchboardDemo",
                "SwitchboardOpenAPI",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // The metrics backend: `/metrics` in Prometheus text.
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "switchboard",
            dependencies: [
                "Switchboard",
                "SwitchboardAudit",
                "SwitchboardStore",
                "SwitchboardPolicy",
                "SwitchboardDataPlane",
                "SwitchboardControl",
                "SwitchboardIdentity",
                "SwitchboardCore",
                "SwitchboardDemo",
                "SwitchboardGuards",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Benchmark tools: a fast MCP upstream and an MCP-aware load generator (scripts/bench).
        .executableTarget(
            name: "SwitchboardBench",
            dependencies: [
                "SwitchboardCore",
                .product(name: "NIOCore", package: "swift-nio"),
                // The upstream's https mode (scenario 10).
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SwitchboardTesting",
            dependencies: [
                "SwitchboardCore",
                // A scripted upstream transport for component tests (no sockets, no processes).
                "SwitchboardUpstream",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardCoreTests",
            dependencies: ["SwitchboardCore", .product(name: "NIOCore", package: "swift-nio"), .product(name: "Metrics", package: "swift-metrics")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardGuardsTests",
            dependencies: ["SwitchboardGuards", "SwitchboardCore", .product(name: "NIOCore", package: "swift-nio")],
            // Read from the source tree by GuardCorpusTests.
            exclude: ["Corpus"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardOpenAPITests",
            dependencies: ["SwitchboardOpenAPI", "SwitchboardCore", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardPolicyTests",
            dependencies: ["SwitchboardPolicy", "SwitchboardCore", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardIdentityTests",
            dependencies: [
                "SwitchboardIdentity", "SwitchboardPolicy", "SwitchboardCore", "SwitchboardTesting",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                // RSA key generation for test tokens.
                .product(name: "CryptoExtras", package: "swift-crypto"),
                // Test certificates for the client-certificate mapping.
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardOutboundTests",
            dependencies: [
                "SwitchboardOutbound", "SwitchboardCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardAuditTests",
            dependencies: ["SwitchboardAudit", "SwitchboardCore", .product(name: "NIOCore", package: "swift-nio"), .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardStoreTests",
            dependencies: ["SwitchboardStore", "SwitchboardAudit", "SwitchboardIdentity", "SwitchboardPolicy", "SwitchboardCore", "SwitchboardGuards", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardUpstreamTests",
            dependencies: [
                "SwitchboardUpstream", "SwitchboardCore", "SwitchboardTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardDataPlaneTests",
            dependencies: [
                "SwitchboardDataPlane", "SwitchboardUpstream", "SwitchboardCore", "SwitchboardTesting", "SwitchboardAudit", "SwitchboardPolicy",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // EmbeddedChannel and the TLS events for the handshake handler's tests.
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardTestingTests",
            dependencies: [
                "SwitchboardTesting", "SwitchboardUpstream", "SwitchboardCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardControlTests",
            dependencies: [
                "SwitchboardControl", "SwitchboardDataPlane", "SwitchboardIdentity", "SwitchboardPolicy", "SwitchboardCore", "SwitchboardUpstream",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardTests",
            dependencies: [
                "Switchboard", "SwitchboardTesting", "SwitchboardAudit", "SwitchboardDataPlane", "SwitchboardControl",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "InteropTests",
            dependencies: [
                "Switchboard", "SwitchboardAudit", "SwitchboardGuards", "SwitchboardTesting", "SwitchboardCore", "SwitchboardStore", "SwitchboardIdentity",
                // The OAuth client, driven against a real authorization server.
                "SwitchboardUpstream",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                // A throwaway CA with server and client certificates for the TLS tests.
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

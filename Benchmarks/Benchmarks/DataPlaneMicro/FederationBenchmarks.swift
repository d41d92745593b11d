import Benchmark
import NIOCore
import SwitchboardCore
import SwitchboardDataPlane

/// Federated names, the gateway's list cursor and the merged-list splice.
enum FederationBenchmarks {
    /// Server keys and tool names as they appear in real catalogues.
    static let names: [(server: String, name: String)] = [
        ("github", "search_issues"), ("github", "create_pull_request"), ("fs", "read_file"),
        ("filesystem", "list_directory"), ("slack", "post_message"), ("jira", "transition_issue"),
        ("postgres", "query"), ("browser", "take_screenshot"),
    ]

    static func register() {
        let names = names
        let federated = names.map { FederatedName.join(server: $0.server, name: $0.name) }

        MicroBenchmark.register("names.join-x8", scalingFactor: .kilo) { benchmark in
            for _ in benchmark.scaledIterations {
                for (server, name) in names { blackHole(FederatedName.join(server: server, name: name)) }
            }
        }
        MicroBenchmark.register("names.split-x8", scalingFactor: .kilo) { benchmark in
            for _ in benchmark.scaledIterations {
                for name in federated { blackHole(FederatedName.split(name)) }
            }
        }
        MicroBenchmark.register("names.problem-x8", scalingFactor: .kilo) { benchmark in
            for _ in benchmark.scaledIterations {
                for name in federated { blackHole(FederatedName.problem(name, maxLength: 64)) }
            }
        }

        let positions = [("github", "eyJwYWdlIjoyLCJwZXJQYWdlIjo1MH0"), ("filesystem", "cursor-0002"), ("slack", "dGVhbXM6MTAw")]
        let known: Set<String> = ["github", "filesystem", "slack", "jira", "postgres"]
        MicroBenchmark.register("cursor.encode-decode-3-servers", scalingFactor: .kilo) { benchmark in
            for _ in benchmark.scaledIterations {
                let encoded = GatewayCursor(positions: positions).encoded
                blackHole(GatewayCursor(encoded: encoded, knownServers: known))
            }
        }

        // Pages reach the merger as the `result` of each server's parsed response.
        let pages = ["github", "filesystem", "slack"].enumerated().map { index, server in
            (server: server, result: try! JSONRPCMessage.parse(Fixtures.toolsListResponse(count: 100, id: index)).result!)
        }
        MicroBenchmark.register("merge.tools-3x100") { _ in
            let merger = CatalogueMerger(kind: .tools, maxNameLength: 128)
            blackHole(merger.merge(pages: pages, nextCursor: "eyJ2IjoxfQ", claimed: [:]).result)
        }
    }
}

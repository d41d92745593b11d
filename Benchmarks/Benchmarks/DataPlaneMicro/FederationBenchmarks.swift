import Foundation
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
        // What a call pays to find its server and own name from the name it was shown.
        let book = NameBook(
            kind: .tools,
            servers: Dictionary(grouping: names, by: \.server).map { NameBook.Listed(server: $0.key, settings: .init(), names: $0.value.map(\.name)) },
            budget: 64
        )
        MicroBenchmark.register("names.route-x8", scalingFactor: .kilo) { benchmark in
            for _ in benchmark.scaledIterations {
                for name in federated { blackHole(book.route(name)) }
            }
        }
        // What a changed list pays: the names of 20 servers × 100 tools made again, with
        // dotted and long names and collisions among the `on_collision` servers.
        let catalogue = (0..<20).map { s in
            NameBook.Listed(
                server: "server\(s)", settings: ServerNamesConfig(prefix: s % 4 == 0 ? .onCollision : .always),
                names: (0..<100).map { t in t % 10 == 0 ? "group\(t % 7).action_with_a_rather_long_descriptive_name_\(t)" : "tool_\(t % 50)" }
            )
        }
        // Search mode over 2,000 tools (issue 15: an answer within 5 ms): 20 servers × 100
        // tools with names, argument names and descriptions of real catalogues' length.
        let verbs = ["create", "list", "get", "update", "delete", "search", "merge", "post", "read", "write"]
        let nouns = ["issue", "pull_request", "file", "message", "ticket", "page", "user", "repository", "event", "invoice"]
        let toolItems = (0..<2000).map { i -> String in
            let verb = verbs[i % 10], noun = nouns[(i / 10) % 10]
            return #"{"name":"server\#(i / 100)__\#(verb)_\#(noun)_\#(i)","description":"\#(verb.capitalized)s a \#(noun) in the service, with paging and filters; returns the \#(noun) as JSON. Tool number \#(i).","inputSchema":{"type":"object","properties":{"id":{"type":"string"},"\#(noun)_name":{"type":"string"},"limit":{"type":"integer"}}}}"#
        }
        let listResult = try! JSONRPCMessage.parse(ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"result":{"tools":["# + toolItems.joined(separator: ",") + "]}}")).result!
        let search = ToolSearch(listResult: listResult)
        MicroBenchmark.register("search.query-2000-tools") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(search.search("merge pull request", limit: 10))
            }
        }
        MicroBenchmark.register("search.index-2000-tools") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(ToolSearch(listResult: listResult))
            }
        }
        MicroBenchmark.register("names.book-20x100") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(NameBook(kind: .tools, servers: catalogue, budget: 64))
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
            let merger = CatalogueMerger(kind: .tools)
            blackHole(merger.merge(pages: pages, nextCursor: "eyJ2IjoxfQ").result)
        }
    }
}

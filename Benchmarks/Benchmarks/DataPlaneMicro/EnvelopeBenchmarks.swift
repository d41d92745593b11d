import Benchmark
import NIOCore
import SwitchboardCore

/// Reading the JSON-RPC envelope and writing re-framed messages.
enum EnvelopeBenchmarks {
    static func register() {
        // ~300 B: every client request pays this before routing.
        let request = Fixtures.callRequest
        MicroBenchmark.register("envelope.parse-tools-call", scalingFactor: .kilo) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try JSONRPCMessage.parse(request))
            }
        }

        // ~44 KB: one server's page of a merged list.
        let list = Fixtures.toolsListResponse(count: 100)
        MicroBenchmark.register("envelope.parse-tools-list-100") { _ in
            blackHole(try JSONRPCMessage.parse(list))
        }

        // An upstream result going back to the client under the client's own id.
        let result = Fixtures.callResult(bytes: 2_048)
        let id = JSONRPCID(1042)
        MicroBenchmark.register("json.reframe-result-2KB", scalingFactor: .kilo) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(JSONRPCEncoding.result(id: id, result: result))
            }
        }
    }
}

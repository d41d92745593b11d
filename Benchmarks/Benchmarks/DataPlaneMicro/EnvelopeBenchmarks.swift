import Benchmark
import NIOCore
import SwitchboardCore

/// Reading the JSON-RPC envelope and writing re-framed messages.
enum EnvelopeBenchmarks {
    static func register() {
        let request = Fixtures.callRequest
        Benchmark("envelope: parse tools/call request (\(request.readableBytes) B)", configuration: .init(scalingFactor: .kilo)) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try JSONRPCMessage.parse(request))
            }
        }

        let list = Fixtures.toolsListResponse(count: 100)
        Benchmark("envelope: parse tools/list result, 100 tools (\(list.readableBytes / 1024) KB)") { benchmark in
            blackHole(try JSONRPCMessage.parse(list))
        }

        let result = Fixtures.callResult(bytes: 2_048)
        let id = JSONRPCID(1042)
        Benchmark("json: re-frame 2 KB result", configuration: .init(scalingFactor: .kilo)) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(JSONRPCEncoding.result(id: id, result: result))
            }
        }
    }
}

import Benchmark
import NIOCore
import SwitchboardCore
import SwitchboardGuards

/// Result scanning (secrets, personal data, instructions to the model) with the gateway's
/// defaults: what every tool result pays when guards are on. The target is at least
/// 100 MiB/s per core: `guards.result-scan-64KB` reads 64 KiB per iteration.
enum GuardBenchmarks {
    /// `bytes` as the gateway holds a result: the `result` of a parsed response.
    static func result(_ bytes: ByteBuffer) -> JSONView {
        let response = ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"result":"# + String(buffer: bytes) + "}")
        return try! JSONRPCMessage.parse(response).result!
    }

    static func register() {
        let screening = ResultScanner.Screening.standard
        let small = result(Fixtures.mixedResult(bytes: 1_024))
        MicroBenchmark.register("guards.result-scan-1KB", scalingFactor: .kilo) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(ResultScanner.scan(small, screening))
            }
        }

        let large = result(Fixtures.mixedResult(bytes: 64 << 10))
        MicroBenchmark.register("guards.result-scan-64KB") { _ in
            blackHole(ResultScanner.scan(large, screening))
        }
    }
}

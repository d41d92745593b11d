import Benchmark
import NIOCore
import SwitchboardCore

/// Cutting upstream byte streams into messages: SSE events and stdio lines.
enum FramingBenchmarks {
    /// The default `limits.max_body_bytes`, which bounds events and lines alike.
    static let maxMessageBytes = 4 * 1024 * 1024

    static func register() {
        let sseChunks = Fixtures.chunks(of: Fixtures.sseStream(events: 100), size: 1_500)
        MicroBenchmark.register("sse.100-events-1500B-reads") { _ in
            var parser = SSEParser(maxEventBytes: maxMessageBytes)
            var events = 0
            for chunk in sseChunks {
                parser.feed(chunk)
                while let event = try parser.next() {
                    blackHole(event)
                    events += 1
                }
            }
            precondition(events == 100)
        }

        let stdioChunks = Fixtures.chunks(of: Fixtures.stdioStream(lines: 100), size: 4_096)
        MicroBenchmark.register("stdio.100-lines-4KB-reads") { _ in
            var decoder = LineFrameDecoder(maxFrameBytes: maxMessageBytes)
            // What ByteToMessageHandler does: the first read becomes the cumulation buffer,
            // later reads are appended to what is left of it.
            var cumulation: ByteBuffer?
            var lines = 0
            for chunk in stdioChunks {
                if var buffer = cumulation.take(), buffer.readableBytes > 0 {
                    buffer.writeImmutableBuffer(chunk)
                    cumulation = buffer
                } else {
                    cumulation = chunk
                }
                while let frame = try decoder.nextFrame(&cumulation!) {
                    blackHole(frame)
                    lines += 1
                }
            }
            precondition(lines == 100)
        }
    }
}

import NIOCore
import Testing
@testable import SwitchboardCore

@Suite struct LineFrameDecoderTests {
    @Test func splitsOnNewlineAtEveryChunkBoundary() throws {
        let stream = "{\"a\":1}\n{\"b\":2}\r\n\n{\"c\":3}\n"
        let bytes = Array(stream.utf8)
        for cut in 0...bytes.count {
            var decoder = LineFrameDecoder(maxFrameBytes: 100)
            var buffer = ByteBuffer(bytes: bytes[..<cut])
            var frames: [String] = []
            while let f = try decoder.nextFrame(&buffer) { frames.append(String(buffer: f)) }
            buffer.writeBytes(bytes[cut...])
            while let f = try decoder.nextFrame(&buffer) { frames.append(String(buffer: f)) }
            #expect(frames.filter { !$0.isEmpty } == [#"{"a":1}"#, #"{"b":2}"#, #"{"c":3}"#], "cut at \(cut)")
        }
    }

    @Test func rejectsOversizeFrames() {
        var decoder = LineFrameDecoder(maxFrameBytes: 8)
        var buffer = ByteBuffer(string: "0123456789")
        #expect(throws: LineFrameError.frameTooLarge(8)) { _ = try decoder.nextFrame(&buffer) }
        var decoder2 = LineFrameDecoder(maxFrameBytes: 8)
        var buffer2 = ByteBuffer(string: "0123456789\n")
        #expect(throws: LineFrameError.frameTooLarge(8)) { _ = try decoder2.nextFrame(&buffer2) }
    }
}

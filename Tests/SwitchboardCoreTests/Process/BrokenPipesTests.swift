#if canImport(Glibc)
import Glibc
#endif
import Testing
import SwitchboardCore

/// A write to a pipe nobody reads fails with EPIPE instead of killing the process.
@Suite struct BrokenPipesTests {
    @Test func writingToAClosedPipeFailsWithEPIPE() throws {
        BrokenPipes.failInsteadOfSignalling()
        var ends: [Int32] = [-1, -1]
        try #require(pipe(&ends) == 0)
        close(ends[0])
        defer { close(ends[1]) }
        let byte: [UInt8] = [0x41]
        let written = byte.withUnsafeBytes { write(ends[1], $0.baseAddress, 1) }
        // Reaching this line at all is the point: with SIGPIPE's default the process is gone.
        #expect(written == -1)
        #expect(errno == EPIPE)
    }
}

#if canImport(Glibc)
import Glibc
#endif
import SwitchboardUpstream
import Testing

/// What a spawned server gets from the gateway process.
@Suite(.timeLimit(.minutes(1)))
struct ChildProcessTests {
    /// SwiftNIO opens sockets without close-on-exec; a server that inherited them would keep the
    /// gateway's connections open after the gateway closed them (a cancel by closing would never
    /// reach the peer) and could read and write them.
    @Test func aServerInheritsOnlyItsOwnPipes() throws {
        // A socket as NIO makes one (no close-on-exec), on a number nothing else uses.
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socketFD >= 0)
        let inheritable: CInt = 900
        try #require(dup2(socketFD, inheritable) == inheritable)
        close(socketFD)
        defer { close(inheritable) }
        #expect(fcntl(inheritable, F_GETFD) & FD_CLOEXEC == 0)

        let child = try ChildProcess.spawn(command: "/bin/sh", arguments: ["-c", "ls /proc/$$/fd"], environment: [:], directory: nil)
        defer {
            close(child.stdinWrite)
            close(child.stderrRead)
        }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(child.stdoutRead, &chunk, chunk.count)
            if count <= 0 { break }
            output += chunk[0..<count]
        }
        close(child.stdoutRead)
        var status: CInt = 0
        _ = waitpid(child.pid, &status, 0)

        let descriptors = Set(String(decoding: output, as: UTF8.self).split(whereSeparator: \.isWhitespace).map(String.init))
        #expect(descriptors.contains("0") && descriptors.contains("1") && descriptors.contains("2"), "\(descriptors)")
        #expect(!descriptors.contains("\(inheritable)"), "the child holds the parent's socket: \(descriptors.sorted())")
        // Nothing above stderr but what the shell opens for itself (at most a couple).
        #expect(descriptors.count <= 5, "\(descriptors.sorted())")
    }
}

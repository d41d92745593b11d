#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Lines on stderr, written straight to the descriptor: scripts wait for `READY <port>` and
/// `HELD N`, so each must arrive whole and at once, without stdio buffering.
enum StandardError {
    static func line(_ text: String) {
        var bytes = Array((text + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR {
                continue
            } else {
                return
            }
        }
        bytes.removeAll()
    }

    /// SIGTERM and SIGINT end the process with status 0: a harness stops the servers and holders
    /// it started this way, and a clean status keeps `set -e` scripts going.
    static func exitCleanlyOnTermination() {
        signal(SIGTERM) { _ in _exit(0) }
        signal(SIGINT) { _ in _exit(0) }
    }
}

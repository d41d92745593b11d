#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization
import SwitchboardUpstream

/// A test's child process, started with the gateway's own spawn and reaped by a thread of its
/// own that waits for it to exit.
///
/// Not Foundation's `Process`: on Linux its `run()` copies a whole 256-byte `d_name` out of
/// each `/proc/self/fd` entry and, when an entry ends glibc's read buffer, reads past it and
/// crashes the test process now and then (swift-corelibs-foundation PR #5472; seen here in CI
/// on Swift 6.3.1, with some 1,300 descriptors open while every suite ran at once).
final class SpawnedChild: Sendable {
    let pid: Int32
    /// The executable's last path component, for messages.
    let name: String
    /// Our ends of the child's stdout and stderr; its stdin is at end of file from the start.
    let stdoutRead: CInt
    let stderrRead: CInt

    private struct State {
        var status: Int32?
        var waiters: [CheckedContinuation<Int32, Never>] = []
    }
    private let state = Mutex(State())

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        let child = try ChildProcess.spawn(command: executable, arguments: arguments, environment: environment, directory: nil)
        close(child.stdinWrite)
        pid = child.pid
        name = URL(fileURLWithPath: executable).lastPathComponent
        stdoutRead = child.stdoutRead
        stderrRead = child.stderrRead
        startReaper()
    }

    /// True until the child has exited and been reaped.
    var isRunning: Bool { state.withLock { $0.status == nil } }

    /// The exit code, or the signal's number when a signal ended it (as `Process` reports);
    /// -1 while it still runs.
    var terminationStatus: Int32 { state.withLock { $0.status ?? -1 } }

    /// Waits for the exit and returns `terminationStatus`.
    func waitForExit() async -> Int32 {
        await withCheckedContinuation { continuation in
            let done: Int32? = state.withLock { state in
                if let status = state.status { return status }
                state.waiters.append(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    /// SIGTERM to the child alone: a graceful stop, which a gateway passes on to its own children.
    func terminate() {
        guard isRunning else { return }
        _ = kill(pid, SIGTERM)
    }

    /// SIGKILL to the child's whole process group, so no grandchild outlives the test.
    func killGroup() {
        guard isRunning else { return }
        _ = kill(-pid, SIGKILL)
    }

    /// One blocking `waitpid` on a thread of its own: exact, and never a thread of the
    /// cooperative pool.
    private func startReaper() {
        let pid = self.pid
        let thread = Thread { [self] in
            var raw: CInt = 0
            var result: pid_t
            repeat { result = waitpid(pid, &raw, 0) } while result < 0 && errno == EINTR
            let signal = raw & 0x7f
            let status: Int32 = result < 0 ? -1 : (signal == 0 ? (raw >> 8) & 0xff : signal)
            let waiters = self.state.withLock { state in
                state.status = status
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: status) }
        }
        thread.start()
    }
}

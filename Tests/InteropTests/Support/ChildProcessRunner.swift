import Foundation
import Synchronization
import SwitchboardTesting

/// A child process for tests, with its output captured and a hard time limit.
final class ChildProcessRunner: Sendable {
    let process: SpawnedChild
    private let stdout = OutputBuffer()
    private let stderr = OutputBuffer()

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        process = try SpawnedChild(executable, arguments, environment: environment)
        // Plain blocking reads on threads of their own: FileHandle.readabilityHandler's
        // dispatch sources have crashed libdispatch here when a pipe closed under them.
        Self.drain(FileHandle(fileDescriptor: process.stdoutRead, closeOnDealloc: true), into: stdout)
        Self.drain(FileHandle(fileDescriptor: process.stderrRead, closeOnDealloc: true), into: stderr)
    }

    private static func drain(_ handle: FileHandle, into buffer: OutputBuffer) {
        let thread = Thread {
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty {
                    buffer.finish()
                    return
                }
                buffer.append(chunk)
            }
        }
        thread.start()
    }

    var standardOutput: String { stdout.text }
    var standardError: String { stderr.text }

    /// Waits, without a time limit of its own, for the child to exit; returns its status.
    func waitForExit() async -> Int32 { await process.waitForExit() }

    /// Waits for exit, killing the process at the deadline; returns the exit status.
    func wait(seconds: Double) async -> Int32 {
        try? await eventually("exit", timeout: .seconds(seconds), every: .milliseconds(50)) { !self.process.isRunning }
        if process.isRunning {
            process.terminate()
            try? await eventually("exit after SIGTERM", timeout: .milliseconds(300)) { !self.process.isRunning }
            process.killGroup()
            return -1
        }
        // Let the readers reach end of file (bounded: a grandchild may hold a pipe open).
        try? await eventually("end of output", timeout: .seconds(2)) { self.stdout.isFinished && self.stderr.isFinished }
        return process.terminationStatus
    }

    /// Waits until stderr contains a line starting with `prefix`; returns the rest of it.
    func waitForLine(prefix: String, seconds: Double) async throws -> String {
        let found = try? await eventuallyValue("'\(prefix)'", timeout: .seconds(seconds), every: .milliseconds(50)) { () throws -> String? in
            for line in self.standardError.split(separator: "\n") where line.hasPrefix(prefix) {
                return String(line.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
            }
            guard self.process.isRunning else { throw HarnessError("exited") }
            return nil
        }
        if let found { return found }
        throw HarnessError("no '\(prefix)' line from \(process.name): \(standardError.suffix(2000))")
    }

    /// SIGTERM: a graceful stop (then `wait` for the exit).
    func terminate() {
        process.terminate()
    }

    /// SIGKILL: a crash, not a shutdown.
    func kill() {
        process.killGroup()
    }

    /// Test peers need no graceful shutdown, and uvicorn's waits for open connections that a
    /// test may never close: SIGKILL, so nothing outlives the test.
    func stop() {
        kill()
    }
}

/// Output collected from a pipe's reader thread.
final class OutputBuffer: Sendable {
    private let data = Mutex(Data())
    private let finished = Atomic<Bool>(false)

    func append(_ chunk: Data) { data.withLock { $0.append(chunk) } }
    func finish() { finished.store(true, ordering: .releasing) }
    var isFinished: Bool { finished.load(ordering: .acquiring) }
    var text: String { String(decoding: data.withLock { $0 }, as: UTF8.self) }
}

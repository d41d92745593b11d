import Foundation
import Synchronization
import SwitchboardTesting

/// A child process for tests, with its output captured and a hard time limit.
final class ChildProcessRunner: Sendable {
    let process: Process
    private let stdout = OutputBuffer()
    private let stderr = OutputBuffer()
    /// Held so the read ends stay open as long as the runner.
    private let pipes: [Pipe]

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        self.process = process
        self.pipes = [out, err]
        try process.run()
        // Plain blocking reads on threads of their own: FileHandle.readabilityHandler's
        // dispatch sources have crashed libdispatch here when a pipe closed under them.
        Self.drain(out.fileHandleForReading, into: stdout)
        Self.drain(err.fileHandleForReading, into: stderr)
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

    /// Waits for exit, killing the process at the deadline; returns the exit status.
    func wait(seconds: Double) async -> Int32 {
        try? await eventually("exit", timeout: .seconds(seconds), every: .milliseconds(50)) { !self.process.isRunning }
        if process.isRunning {
            process.terminate()
            try? await eventually("exit after SIGTERM", timeout: .milliseconds(300)) { !self.process.isRunning }
            if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
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
        throw HarnessError("no '\(prefix)' line from \(process.executableURL!.lastPathComponent): \(standardError.suffix(2000))")
    }

    /// SIGTERM: a graceful stop (then `wait` for the exit).
    func terminate() {
        guard process.isRunning else { return }
        process.terminate()
    }

    /// SIGKILL: a crash, not a shutdown.
    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
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

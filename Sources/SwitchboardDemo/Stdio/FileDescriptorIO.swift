import Dispatch

#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
private let systemWrite = Glibc.write
#elseif canImport(Musl)
import Musl
private let systemRead = Musl.read
private let systemWrite = Musl.write
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
private let systemWrite = Darwin.write
#endif

/// Blocking reads or writes on one file descriptor, works for pipes, ttys and regular files alike.
///
/// Each descriptor gets its own serial queue, so a read blocked on a quiet stdin never holds up
/// a write to stdout (a shared pool of a few threads could), the blocking calls stay off Swift's
/// cooperative pool, and writes go out one whole message at a time, in order.
final class FileDescriptorIO: Sendable {
    private let descriptor: CInt
    private let queue: DispatchQueue

    init(descriptor: CInt) {
        self.descriptor = descriptor
        self.queue = DispatchQueue(label: "switchboard.demo.fd\(descriptor)")
    }

    /// The next bytes available, or `nil` at end of input.
    func read(maxBytes: Int = 64 * 1024) async throws -> [UInt8]? {
        let descriptor = self.descriptor
        return try await perform {
            var bytes = [UInt8](repeating: 0, count: maxBytes)
            while true {
                let count = bytes.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, maxBytes) }
                if count > 0 { return Array(bytes[..<count]) }
                if count == 0 { return nil }
                if errno != EINTR { throw DemoServerError(.ioFailed, "reading fd \(descriptor) failed (errno \(errno))") }
            }
        }
    }

    /// Writes all bytes before any later write starts, so concurrent writers never interleave.
    func write(_ bytes: [UInt8]) async throws {
        let descriptor = self.descriptor
        try await perform {
            var offset = 0
            while offset < bytes.count {
                let count = bytes.withUnsafeBytes { buffer in
                    let remaining = UnsafeRawBufferPointer(rebasing: buffer[offset...])
                    return systemWrite(descriptor, remaining.baseAddress, remaining.count)
                }
                if count >= 0 {
                    offset += count
                } else if errno != EINTR {
                    throw DemoServerError(.ioFailed, "writing fd \(descriptor) failed (errno \(errno))")
                }
            }
        }
    }

    private func perform<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Swift.Result { try body() }) }
        }
    }
}

import NIOPosix
import Synchronization

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

/// Blocking reads and writes on a file descriptor, run on NIO's thread pool so that a slow peer
/// never blocks the cooperative pool. Works for pipes, ttys and regular files alike.
final class FileDescriptorIO: Sendable {
    private let descriptor: CInt
    private let writeLock = Mutex(())

    init(descriptor: CInt) {
        self.descriptor = descriptor
    }

    /// The next bytes available, or `nil` at end of input.
    func read(maxBytes: Int = 64 * 1024) async throws -> [UInt8]? {
        let descriptor = self.descriptor
        return try await NIOThreadPool.singleton.runIfActive {
            var bytes = [UInt8](repeating: 0, count: maxBytes)
            while true {
                let count = bytes.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, maxBytes) }
                if count > 0 { return Array(bytes[..<count]) }
                if count == 0 { return nil }
                if errno != EINTR { throw DemoServerError(.ioFailed, "reading stdin failed (errno \(errno))") }
            }
        }
    }

    /// Writes all bytes as one unit: concurrent writers never interleave their lines.
    func write(_ bytes: [UInt8]) async throws {
        let descriptor = self.descriptor
        try await NIOThreadPool.singleton.runIfActive {
            try self.writeLock.withLock { _ in
                var offset = 0
                while offset < bytes.count {
                    let count = bytes.withUnsafeBytes { buffer in
                        let remaining = UnsafeRawBufferPointer(rebasing: buffer[offset...])
                        return systemWrite(descriptor, remaining.baseAddress, remaining.count)
                    }
                    if count >= 0 {
                        offset += count
                    } else if errno != EINTR {
                        throw DemoServerError(.ioFailed, "writing stdout failed (errno \(errno))")
                    }
                }
            }
        }
    }
}

#if canImport(Glibc)
package import Glibc
#elseif canImport(Darwin)
package import Darwin
#endif

/// A socket on 127.0.0.1 that listens but never accepts, its backlog filled by one connection
/// of its own: the kernel drops further SYNs, so a connect to `port` hangs until the client's
/// connect timeout, without any traffic leaving the machine.
public final class UnresponsiveListener: Sendable {
    public let port: Int
    private let descriptors: [Int32]

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public init() throws {
        let listener = try Self.makeSocket()
        var address = Self.loopback(port: 0)
        guard withUnsafePointer(to: &address, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        } }) == 0, listen(listener, 0) == 0 else {
            close(listener)
            throw Failure(description: "bind/listen failed: errno \(errno)")
        }
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            getsockname(listener, $0, &length)
        } }
        let port = Int(UInt16(bigEndian: bound.sin_port))

        // Fill the accept queue (backlog 0 holds one connection).
        let filler = try Self.makeSocket()
        var target = Self.loopback(port: port)
        _ = withUnsafePointer(to: &target) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        } }
        self.port = port
        self.descriptors = [listener, filler]
    }

    deinit {
        for descriptor in descriptors { close(descriptor) }
    }

    package static func makeSocket() throws -> Int32 {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure(description: "socket failed: errno \(errno)") }
        return descriptor
    }

    package static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}

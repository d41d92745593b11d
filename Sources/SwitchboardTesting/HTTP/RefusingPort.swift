#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A port on 127.0.0.1 where connections are refused, and that stays so while this lives: a
/// socket is bound there but never listens, so a SYN gets a reset at once and no other socket
/// of the test run can take the port. (Closing a listener and hoping its port stays free is
/// a race when hundreds of tests bind ports at once.)
package final class RefusingPort: Sendable {
    package let port: Int
    private let descriptor: Int32

    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    /// A fresh port, or `port` itself (free a moment ago, e.g. a server's that was just shut
    /// down).
    package init(port: Int = 0) throws {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure(description: "socket failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address -> Int32 in
                guard bind(descriptor, address, length) == 0 else { return -1 }
                return getsockname(descriptor, address, &length)
            }
        }
        guard bound == 0 else {
            close(descriptor)
            throw Failure(description: "could not hold 127.0.0.1:\(port): errno \(errno)")
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }
}

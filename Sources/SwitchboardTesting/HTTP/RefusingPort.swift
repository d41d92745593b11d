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

    /// A fresh port, or `port` itself (free a moment ago, e.g. a server's that was just shut
    /// down).
    package init(port: Int = 0) throws {
        let descriptor = try UnresponsiveListener.makeSocket()
        var address = UnresponsiveListener.loopback(port: port)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address -> Int32 in
                guard bind(descriptor, address, length) == 0 else { return -1 }
                return getsockname(descriptor, address, &length)
            }
        }
        guard bound == 0 else {
            close(descriptor)
            throw UnresponsiveListener.Failure(description: "could not hold 127.0.0.1:\(port): errno \(errno)")
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }
}

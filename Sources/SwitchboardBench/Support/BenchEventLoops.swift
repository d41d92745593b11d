import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// The event loops every bench command runs on: one per core this process may use. NIO's
/// singleton sizes itself by the machine (and cgroup limits) but not by CPU affinity, and a
/// benchmark pins its parts with `taskset`: two loops sharing one pinned core would measure
/// context switches, not the server.
enum BenchEventLoops {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: usableCores)

    static var usableCores: Int {
        let allowed = allowedCPUs() ?? 0
        return allowed > 0 ? min(allowed, System.coreCount) : System.coreCount
    }

    /// The bits of `Cpus_allowed` in /proc/self/status (a hex mask such as `ff,ffffffff`);
    /// `sched_getaffinity` itself is not visible to Swift without `_GNU_SOURCE`.
    private static func allowedCPUs() -> Int? {
        #if canImport(Glibc)
        let fd = open("/proc/self/status", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 16 * 1024)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n > 0 { count += n } else if n < 0, errno == EINTR { continue } else { break }
        }
        let text = String(decoding: bytes[..<count], as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) else { return nil }
        return line.dropFirst("Cpus_allowed:".count).reduce(0) { total, c in
            total + (c.hexDigitValue?.nonzeroBitCount ?? 0)
        }
        #else
        return nil
        #endif
    }
}

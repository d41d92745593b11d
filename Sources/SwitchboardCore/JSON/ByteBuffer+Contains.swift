#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import NIOCore

extension ByteBuffer {
    /// Whether the readable bytes contain `needle`: `memchr` to each candidate first byte, then
    /// a compare. Used on the hot path to skip a parse when a key's name does not occur at all;
    /// the generic `firstRange(of:)` costs microseconds per call on a `ByteBufferView`.
    public func containsBytes(_ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        return withUnsafeReadableBytes { raw -> Bool in
            guard let base = raw.baseAddress, raw.count >= needle.count else { return false }
            var offset = 0
            let last = raw.count - needle.count
            while offset <= last {
                guard let hit = memchr(base + offset, Int32(first), last - offset + 1) else { return false }
                let at = base.distance(to: UnsafeRawPointer(hit))
                if needle.withUnsafeBytes({ memcmp(base + at, $0.baseAddress!, needle.count) == 0 }) { return true }
                offset = at + 1
            }
            return false
        }
    }
}

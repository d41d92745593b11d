/// Allocation-free, ASCII case-insensitive comparisons for header values.
enum ASCII {
    @inline(__always) private static func lower(_ c: UInt8) -> UInt8 {
        c >= 0x41 && c <= 0x5A ? c | 0x20 : c
    }

    /// `needle` must be lower-case.
    static func contains(_ haystack: String, _ needle: StaticString) -> Bool {
        let n = UnsafeRawBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        var haystack = haystack
        return haystack.withUTF8 { h in
            guard h.count >= n.count else { return false }
            outer: for start in 0...(h.count - n.count) {
                for k in 0..<n.count where lower(h[start + k]) != n[k] { continue outer }
                return true
            }
            return false
        }
    }

    /// `lowercased` must be lower-case.
    static func equalsIgnoringCase(_ value: String, _ lowercased: StaticString) -> Bool {
        let n = UnsafeRawBufferPointer(start: lowercased.utf8Start, count: lowercased.utf8CodeUnitCount)
        var value = value
        return value.withUTF8 { v in
            guard v.count == n.count else { return false }
            for k in 0..<n.count where lower(v[k]) != n[k] { return false }
            return true
        }
    }

    /// Whether `value` starts with `prefix` (lower-case), ignoring case.
    static func hasPrefix(_ value: String, _ prefix: StaticString) -> Bool {
        let n = UnsafeRawBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        var value = value
        return value.withUTF8 { v in
            guard v.count >= n.count else { return false }
            for k in 0..<n.count where lower(v[k]) != n[k] { return false }
            return true
        }
    }
}

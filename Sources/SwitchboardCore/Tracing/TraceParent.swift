/// A W3C `traceparent` (Trace Context level 2): `00-<trace id, 32 hex>-<parent id, 16 hex>-<flags>`.
/// Read from a request's `params._meta.traceparent` (where MCP carries it, SEP-414) and
/// written into the `_meta` of the request sent upstream. A value that does not parse, or
/// whose ids are all zeros, is no parent at all.
package struct TraceParent: Sendable, Equatable {
    package var traceHigh: UInt64
    package var traceLow: UInt64
    package var spanID: UInt64
    package var sampled: Bool

    package init(traceHigh: UInt64, traceLow: UInt64, spanID: UInt64, sampled: Bool) {
        self.traceHigh = traceHigh
        self.traceLow = traceLow
        self.spanID = spanID
        self.sampled = sampled
    }

    /// Version 00 exactly; a later version's first four fields are read as 00's (the spec's
    /// rule for versions a reader does not know), `ff` is invalid.
    package init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 55, bytes[2] == UInt8(ascii: "-"), bytes[35] == UInt8(ascii: "-"), bytes[52] == UInt8(ascii: "-"),
            let version = Self.hex(bytes[0..<2]), version != 0xff, version != 0 || bytes.count == 55,
            version == 0 || bytes.count == 55 || bytes[55] == UInt8(ascii: "-"),
            let high = Self.hex(bytes[3..<19]), let low = Self.hex(bytes[19..<35]), let span = Self.hex(bytes[36..<52]),
            let flags = Self.hex(bytes[53..<55]), high != 0 || low != 0, span != 0
        else { return nil }
        traceHigh = high
        traceLow = low
        spanID = span
        sampled = flags & 1 == 1
    }

    /// The trace id, 32 lower-case hex digits.
    package var traceID: String { Self.hex(traceHigh) + Self.hex(traceLow) }

    package var text: String { "00-" + traceID + "-" + Self.hex(spanID) + (sampled ? "-01" : "-00") }

    /// `value` as 16 lower-case hex digits.
    package static func hex(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { out in
            var rest = value
            for index in stride(from: 15, through: 0, by: -1) {
                let digit = UInt8(rest & 0xf)
                out[index] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
                rest >>= 4
            }
            return 16
        }
    }

    /// Lower-case hex only (the spec forbids upper case in traceparent).
    private static func hex(_ digits: ArraySlice<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        for byte in digits {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }
}

/// Long base64 and hex runs in a text, decoded when what they hold reads as text: an
/// instruction a reviewer would skip as noise ("decode this and follow it") is read like any
/// other. Runs that decode to bytes (hashes, keys, images, UUIDs) are left alone.
enum EncodedRuns {
    struct Decoded {
        var encoding: String
        var text: String
    }

    /// Runs at least this long are decoded: shorter ones are ids and hashes, and too short to
    /// carry an instruction.
    static let minimumBase64 = 20
    static let minimumHex = 32

    static func decode(in text: String) -> [Decoded] {
        var out: [Decoded] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            guard isBase64(bytes[i]) else {
                i += 1
                continue
            }
            var j = i
            while j < bytes.count, isBase64(bytes[j]) { j += 1 }
            var end = j
            while end < bytes.count, end - j < 2, bytes[end] == UInt8(ascii: "=") { end += 1 }
            let run = bytes[i..<j]
            if run.count >= minimumHex, run.count % 2 == 0, run.allSatisfy(isHex), let text = readable(hex(run)) {
                out.append(Decoded(encoding: "hex", text: text))
            } else if run.count >= minimumBase64, let decoded = base64(run), let text = readable(decoded) {
                out.append(Decoded(encoding: "base64", text: text))
            }
            i = end
        }
        return out
    }

    /// `bytes` as text when they are UTF-8 that reads as words: printable, with spaces, mostly
    /// letters. Nil for anything else (binary, a key, a hash).
    static func readable(_ bytes: [UInt8]) -> String? {
        guard bytes.count >= 12, let text = String(validating: bytes, as: UTF8.self) else { return nil }
        var letters = 0
        var spaces = 0
        var controls = 0
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic { letters += 1 } else if scalar == " " { spaces += 1 } else if scalar.value < 0x20, scalar != "\n" { controls += 1 }
        }
        let count = text.unicodeScalars.count
        guard controls == 0, spaces >= 2, letters * 10 >= count * 6 else { return nil }
        return text
    }

    private static func isBase64(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }

    static func isHex(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): true
        default: false
        }
    }

    static func hex(_ run: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(run.count / 2)
        var i = run.startIndex
        while i + 1 < run.endIndex {
            out.append(nibble(run[i]) << 4 | nibble(run[i + 1]))
            i += 2
        }
        return out
    }

    /// Standard or URL-safe base64 without padding; nil when the run is not base64 (a path,
    /// an identifier with `/` and `-` in odd places decodes to bytes `readable` refuses).
    static func base64(_ run: ArraySlice<UInt8>) -> [UInt8]? {
        guard run.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(run.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in run {
            accumulator = accumulator << 6 | sextet(byte)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return out
    }
}

extension EncodedRuns {
    /// Whether a run's first bytes decode (as hex or base64) to what may be readable text: the
    /// cheap test of a run in a result, without allocating (a base64 image or a hash is
    /// refused after 64 characters, most within their first few bytes). Decoded bytes outside
    /// ASCII count as possibly readable (text in another script); the full read decides.
    static func startsReadable(_ run: UnsafeBufferPointer<UInt8>) -> Bool {
        let head = UnsafeBufferPointer(rebasing: run.prefix(64))
        var reading = MayRead()
        if head.count >= minimumHex, head.allSatisfy(isHex) {
            var i = 0
            while i + 1 < head.count {
                guard reading.add(nibble(head[i]) << 4 | nibble(head[i + 1])) else { return false }
                i += 2
            }
        } else {
            let usable = head.count & ~3
            var accumulator: UInt32 = 0
            var bits = 0
            for byte in head.prefix(usable) {
                accumulator = accumulator << 6 | sextet(byte)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    guard reading.add(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))) else { return false }
                }
            }
        }
        return reading.verdict
    }

    /// `readable`'s test on raw bytes, a byte at a time so that random bytes are refused at
    /// the first that cannot be text: no control characters, and either ASCII that is mostly
    /// letters with spaces, or well-formed UTF-8 outside ASCII (text in another script, which
    /// the full read judges). The last sequence may be cut short.
    private struct MayRead {
        private var count = 0, letters = 0, spaces = 0, continuations = 0
        private var wide = false

        /// False once `b` shows the bytes are not text.
        mutating func add(_ b: UInt8) -> Bool {
            count += 1
            if continuations > 0 {
                continuations -= 1
                return b & 0xC0 == 0x80
            }
            if b < 0x80 {
                if (b < 0x20 && b != 0x0A) || b == 0x7F { return false }
                if b == 0x20 { spaces += 1 } else if (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) { letters += 1 }
                return true
            }
            // A lead byte: how many continuation bytes follow it.
            continuations = b >= 0xF0 && b <= 0xF4 ? 3 : b >= 0xE0 ? 2 : b >= 0xC2 && b <= 0xDF ? 1 : -1
            guard continuations >= 0 else { return false }
            wide = true
            letters += 1
            return true
        }

        var verdict: Bool {
            count >= 12 && (wide || (spaces >= 2 && letters * 10 >= count * 6))
        }
    }

    private static func nibble(_ b: UInt8) -> UInt8 {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        default: b - UInt8(ascii: "A") + 10
        }
    }

    private static func sextet(_ byte: UInt8) -> UInt32 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(byte - UInt8(ascii: "a")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0")) + 52
        case UInt8(ascii: "+"), UInt8(ascii: "-"): 62
        default: 63
        }
    }
}

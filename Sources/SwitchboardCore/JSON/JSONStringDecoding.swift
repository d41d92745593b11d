/// Unescaping of JSON string contents (the bytes between the quotes).
enum JSONStringDecoding {
    static func unescape(_ bytes: UnsafeRawBufferPointer) -> String {
        var utf8 = [UInt8]()
        utf8.reserveCapacity(bytes.count)
        var i = 0
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= bytes.count else { return nil }
            var v: UInt32 = 0
            for k in 0..<4 {
                let c = bytes[at + k]
                let d: UInt32
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
                default: return nil
                }
                v = v << 4 | d
            }
            return v
        }
        func appendScalar(_ s: Unicode.Scalar) {
            utf8.append(contentsOf: Array(String(s).utf8))
        }
        while i < bytes.count {
            let c = bytes[i]
            guard c == UInt8(ascii: "\\"), i + 1 < bytes.count else {
                utf8.append(c)
                i += 1
                continue
            }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "u"):
                guard let u = hex4(i) else { utf8.append(contentsOf: [0xEF, 0xBF, 0xBD]); continue }
                i += 4
                if (0xD800...0xDBFF).contains(u), i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"),
                    bytes[i + 1] == UInt8(ascii: "u"), let low = hex4(i + 2), (0xDC00...0xDFFF).contains(low)
                {
                    i += 6
                    let combined = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00)
                    appendScalar(Unicode.Scalar(combined) ?? "\u{FFFD}")
                } else {
                    appendScalar(Unicode.Scalar(u) ?? "\u{FFFD}")
                }
            default: utf8.append(e)
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }
}

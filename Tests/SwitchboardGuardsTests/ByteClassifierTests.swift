import CSwitchboardScan
import Testing

/// The result screen's classifier (`sb_scan_classify`): its SSE2 masks are the byte-by-byte
/// ones, and both are what the screen's pass assumes (checked against a plain Swift reading),
/// over random bytes of every kind, block edges, JSON escapes and the `anywhere` pairs.
@Suite struct ByteClassifierTests {
    struct SeededRandom: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state ^ (state >> 31)
        }
    }

    static let alphabet = Array("aZs h'\\\"\\n.!?+/-_:@(x9 \u{1B}\n".utf8) + [0x80, 0xC3, 0xE2, 0x00, 0x09, 0x7F]

    /// The masks as the screen's pass reads them, from the bytes one at a time.
    static func reference(_ text: [UInt8], raw: Bool, pairs: [(UInt8, UInt8)]) -> [sb_scan_masks] {
        let n = text.count
        var escaped = [Bool](repeating: false, count: n + 1)
        if raw {
            for i in 0..<n where text[i] == UInt8(ascii: "\\") && !escaped[i] { escaped[i + 1] = true }
        }
        func isAlnum(_ b: UInt8) -> Bool { (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) }
        let alnum = (0..<n).map { isAlnum(text[$0]) && !escaped[$0] }
        let word = (0..<n).map { (isAlnum(text[$0]) || text[$0] == UInt8(ascii: "'")) && !escaped[$0] }
        let run = (0..<n).map { word[$0] || ("+/-_".utf8.contains(text[$0]) && !escaped[$0]) }
        let other = (0..<n).map { !(isAlnum(text[$0]) || text[$0] == UInt8(ascii: " ")) && !escaped[$0] }
        let special = (0..<n).map { i in
            let b = text[i]
            return (b >= 0x80 || b == 0x1B || b == 0x0A || "\\\".!?".utf8.contains(b)) && !escaped[i]
        }
        let anywhere = (0..<n).map { i in i + 1 < n && pairs.contains { text[i] | 0x20 == $0.0 && text[i + 1] | 0x20 == $0.1 } }
        func starts(_ mask: [Bool]) -> [Bool] { (0..<n).map { mask[$0] && ($0 == 0 || !mask[$0 - 1]) } }
        func bits(_ mask: [Bool], _ block: Int) -> UInt64 {
            (0..<64).reduce(0) { value, j in block * 64 + j < n && mask[block * 64 + j] ? value | 1 << UInt64(j) : value }
        }
        return (0..<(n + 63) / 64).map { k in
            sb_scan_masks(word: bits(word, k), run: bits(run, k),
                          alnum_starts: bits(starts(alnum), k), other: bits(other, k), special: bits(special, k), pairs: bits(anywhere, k))
        }
    }

    static func classify(_ text: [UInt8], raw: Bool, pairs: [(UInt8, UInt8)], bytewise: Bool) -> [sb_scan_masks] {
        var table = sb_scan_pairs()
        for (k, pair) in pairs.enumerated() {
            withUnsafeMutableBytes(of: &table.first) { $0[k] = pair.0 }
            withUnsafeMutableBytes(of: &table.second) { $0[k] = pair.1 }
        }
        table.count = Int32(pairs.count)
        var out = [sb_scan_masks](repeating: sb_scan_masks(), count: (text.count + 63) / 64)
        text.withUnsafeBufferPointer { bytes in
            out.withUnsafeMutableBufferPointer { masks in
                if bytewise {
                    sb_scan_classify_bytewise(bytes.baseAddress, bytes.count, raw ? 1 : 0, &table, masks.baseAddress)
                } else {
                    sb_scan_classify(bytes.baseAddress, bytes.count, raw ? 1 : 0, &table, masks.baseAddress)
                }
            }
        }
        return out
    }

    static func same(_ a: [sb_scan_masks], _ b: [sb_scan_masks]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy {
            ($0.word, $0.run) == ($1.word, $1.run)
                && ($0.alnum_starts, $0.other, $0.special, $0.pairs) == ($1.alnum_starts, $1.other, $1.special, $1.pairs)
        }
    }

    @Test func bothWaysGiveTheMasksThePassReads() {
        var random = SeededRandom(state: 0xC1A5_5EED)
        let pairs: [(UInt8, UInt8)] = [(0x73, 0x68), (0x68, 0x74), (0x20, 0x7C)]
        for round in 0..<3_000 {
            // Lengths around the block edges, and long runs of one byte (a backslash run
            // across a block edge, a word across two).
            let length = [0, 1, 63, 64, 65, 127, 128, 129, 200].randomElement(using: &random)! + (round % 3)
            let text = (0..<length).map { _ in Self.alphabet.randomElement(using: &random)! }
            for raw in [true, false] {
                let expected = Self.reference(text, raw: raw, pairs: pairs)
                let vector = Self.classify(text, raw: raw, pairs: pairs, bytewise: false)
                let bytewise = Self.classify(text, raw: raw, pairs: pairs, bytewise: true)
                #expect(Self.same(vector, expected), "SSE2, raw \(raw): \(text)")
                #expect(Self.same(bytewise, expected), "byte by byte, raw \(raw): \(text)")
            }
        }
    }

    @Test func anEscapeAtABlockEdgeEscapesTheNextBlocksFirstByte() {
        // `\\` at bytes 62-63 is an escaped backslash; `\n` at 63-64 escapes byte 64.
        for (prefix, escapesNext) in [(62, false), (63, true)] {
            let text = [UInt8](repeating: UInt8(ascii: "a"), count: prefix) + Array(#"\\nword"#.utf8.suffix(prefix == 62 ? 7 : 6))
            let masks = Self.classify(text, raw: true, pairs: [], bytewise: false)
            #expect(masks[1].word & 1 == (escapesNext ? 0 : 1), "\(prefix)")
            #expect(Self.same(masks, Self.reference(text, raw: true, pairs: [])))
        }
    }
    /// The arguments' narrower classifier: its bits are the full one's `alnum_starts` and its
    /// `other` bytes that are `:`, `-` or a backslash, with SSE2 and byte by byte.
    @Test func secretStartsAreTheFullMasksNarrowed() {
        var random = SeededRandom(state: 0x5EC2_E7)
        for length in [0, 1, 2, 63, 64, 65, 127, 128, 129, 300, 1000] {
            for _ in 0..<40 {
                let text = (0..<length).map { _ in Self.alphabet.randomElement(using: &random)! }
                let full = Self.classify(text, raw: true, pairs: [], bytewise: false)
                let expected = full.enumerated().map { k, m in
                    var punct: UInt64 = 0
                    for j in 0..<64 where k * 64 + j < text.count && ":-\\".utf8.contains(text[k * 64 + j]) { punct |= 1 << UInt64(j) }
                    return m.alnum_starts | (m.other & punct)
                }
                for bytewise in [false, true] {
                    var out = [UInt64](repeating: 0, count: (text.count + 63) / 64)
                    text.withUnsafeBufferPointer { bytes in
                        out.withUnsafeMutableBufferPointer { starts in
                            if bytewise { sb_scan_secret_starts_bytewise(bytes.baseAddress, bytes.count, starts.baseAddress) }
                            else { sb_scan_secret_starts(bytes.baseAddress, bytes.count, starts.baseAddress) }
                        }
                    }
                    #expect(out == expected, "length \(length), bytewise \(bytewise)")
                }
            }
        }
    }
}

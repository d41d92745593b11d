/// A whole-string pattern over names and URIs: `*` matches any run of characters (including
/// none, `_` and `/`), `?` exactly one character, everything else itself. There is no escape:
/// tool names and URIs that contain `*` or `?` are matched by those wildcards.
///
/// Matching runs over UTF-8 bytes without allocating; `?` and `*` step over whole Unicode
/// scalars, so `?` matches `é` as one character.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let bytes: [UInt8]
    private let shape: Shape

    /// Most patterns are a literal, a prefix (`crm__*`) or a suffix (`*__drop`): those skip the
    /// general backtracking loop.
    private enum Shape: Hashable {
        case literal
        case anything
        case prefix(Int)
        case suffix(Int)
        case general
    }

    public init(_ pattern: String) {
        self.pattern = pattern
        let bytes = Array(pattern.utf8)
        self.bytes = bytes
        let wildcards = bytes.indices.filter { bytes[$0] == Self.star || bytes[$0] == Self.question }
        if wildcards.isEmpty {
            shape = .literal
        } else if bytes.allSatisfy({ $0 == Self.star }) {
            shape = .anything
        } else if wildcards == [bytes.count - 1], bytes.last == Self.star {
            shape = .prefix(bytes.count - 1)
        } else if wildcards == [0], bytes.first == Self.star {
            shape = .suffix(bytes.count - 1)
        } else {
            shape = .general
        }
    }

    public var description: String { pattern }

    /// Whether the whole of `text` matches.
    public func matches(_ text: String) -> Bool {
        switch shape {
        case .literal: return text == pattern
        case .anything: return true
        default: break
        }
        var text = text
        return text.withUTF8 { subject in
            match(count: subject.count) { subject[$0] }
        }
    }

    private static let star = UInt8(ascii: "*")
    private static let question = UInt8(ascii: "?")

    private func match(count: Int, _ byte: (Int) -> UInt8) -> Bool {
        switch shape {
        case .literal:
            guard count == bytes.count else { return false }
            for index in 0..<count where bytes[index] != byte(index) { return false }
            return true
        case .anything:
            return true
        case .prefix(let length):
            guard count >= length else { return false }
            for index in 0..<length where bytes[index] != byte(index) { return false }
            return true
        case .suffix(let length):
            guard count >= length else { return false }
            let offset = count - length
            // The suffix must start on a scalar boundary; a literal's first byte is never a
            // continuation byte, so a byte match already guarantees that.
            for index in 0..<length where bytes[index + 1] != byte(offset + index) { return false }
            return true
        case .general:
            return matchGeneral(count: count, byte)
        }
    }

    /// The classic wildcard loop: on a mismatch, let the last `*` swallow one more scalar.
    private func matchGeneral(count: Int, _ byte: (Int) -> UInt8) -> Bool {
        func nextScalar(_ index: Int) -> Int {
            var next = index + 1
            while next < count, byte(next) & 0xC0 == 0x80 { next += 1 }
            return next
        }
        var p = 0
        var s = 0
        var starP = -1
        var starS = 0
        while s < count {
            if p < bytes.count, bytes[p] == Self.question {
                p += 1
                s = nextScalar(s)
            } else if p < bytes.count, bytes[p] == Self.star {
                starP = p
                starS = s
                p += 1
            } else if p < bytes.count, bytes[p] == byte(s) {
                p += 1
                s += 1
            } else if starP >= 0 {
                starS = nextScalar(starS)
                s = starS
                p = starP + 1
            } else {
                return false
            }
        }
        while p < bytes.count, bytes[p] == Self.star { p += 1 }
        return p == bytes.count
    }
}

extension [Glob] {
    /// Whether any pattern matches `text`.
    func matchAny(_ text: String) -> Bool {
        contains { $0.matches(text) }
    }
}

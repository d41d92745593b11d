/// Splits a byte stream into newline-delimited frames, on raw bytes (`\n` never occurs inside a
/// UTF-8 multi-byte sequence), with an upper bound on the size of one frame.
struct LineFramer: Sendable {
    enum Frame: Sendable, Hashable {
        case line([UInt8])
        /// A line longer than the limit; its bytes were dropped up to the next newline.
        case oversized
    }

    let maxLineBytes: Int
    private var buffer: [UInt8] = []
    private var discarding = false

    init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    /// Feeds bytes; returns the frames they complete. Blank lines are skipped.
    mutating func append(_ bytes: some Collection<UInt8>) -> [Frame] {
        var frames: [Frame] = []
        var rest = bytes[...]
        while !rest.isEmpty {
            guard let newline = rest.firstIndex(of: UInt8(ascii: "\n")) else {
                accumulate(rest, into: &frames)
                break
            }
            accumulate(rest[..<newline], into: &frames)
            rest = rest[rest.index(after: newline)...]
            if discarding {
                discarding = false
            } else if let line = takeLine() {
                frames.append(.line(line))
            }
        }
        return frames
    }

    /// At end of input: the last line, if it was not terminated by a newline.
    mutating func finish() -> [Frame] {
        defer { discarding = false }
        guard !discarding, let line = takeLine() else { return [] }
        return [.line(line)]
    }

    private mutating func accumulate(_ bytes: some Collection<UInt8>, into frames: inout [Frame]) {
        guard !discarding else { return }
        if buffer.count + bytes.count > maxLineBytes + 1 {  // + 1 leaves room for a trailing "\r"
            buffer.removeAll(keepingCapacity: false)
            discarding = true
            frames.append(.oversized)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    private mutating func takeLine() -> [UInt8]? {
        defer { buffer.removeAll(keepingCapacity: true) }
        var line = buffer[...]
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        let isBlank = line.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        return isBlank ? nil : Array(line)
    }
}

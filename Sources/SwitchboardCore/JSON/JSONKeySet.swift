#if canImport(Glibc)
import Glibc
#endif

/// Names that JSON object keys are looked up among, kept flat in one buffer: a lookup
/// compares bytes in place and neither allocates nor retains, which matters where it runs for
/// every member of every record (the audit index takes its columns out of each record).
package struct JSONKeySet: Sendable {
    private let flat: [UInt8]
    private let spans: [Range<Int>]

    package init(_ names: [String]) {
        var flat: [UInt8] = []
        var spans: [Range<Int>] = []
        for name in names {
            let start = flat.count
            flat += Array(name.utf8)
            spans.append(start..<flat.count)
        }
        self.flat = flat
        self.spans = spans
    }

    package var count: Int { spans.count }

    /// The position of `key` among the names; nil when it is none of them. A key written with
    /// escapes is compared decoded.
    package func index(of key: JSONKey) -> Int? {
        let raw = key.bytes
        if raw.contains(UInt8(ascii: "\\")) {
            let decoded = Array(key.decoded().utf8)
            return spans.firstIndex { flat[$0].elementsEqual(decoded) }
        }
        guard let base = raw.baseAddress else { return spans.firstIndex { $0.isEmpty } }
        return flat.withUnsafeBytes { names in
            for (index, span) in spans.enumerated() where span.count == raw.count {
                if memcmp(names.baseAddress! + span.lowerBound, base, raw.count) == 0 { return index }
            }
            return nil
        }
    }
}

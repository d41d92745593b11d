package import SwitchboardCore
import NIOCore

/// Array access without building the `elements` array: predicates run on every call.
extension JSONView {
    /// The element at `index`, if this is an array that long.
    package func element(at index: Int) -> JSONView? {
        var found: JSONView?
        var position = 0
        forEachElement { element in
            if position == index {
                found = element
                return false
            }
            position += 1
            return true
        }
        return found
    }

    /// The number of elements, if this is an array.
    package var elementCount: Int? {
        guard isArray else { return nil }
        var count = 0
        forEachElement { _ in
            count += 1
            return true
        }
        return count
    }

    /// Calls `body` with each element until it returns false.
    package func forEachElement(_ body: (JSONView) -> Bool) {
        guard isArray else { return }
        document.withUnsafeReadableBytes { raw in
            let scanner = JSONScanner(raw, maxDepth: .max)
            var i = scanner.skipWhitespace(range.lowerBound + 1)
            guard i < range.upperBound, raw[i] != UInt8(ascii: "]") else { return }
            while i < range.upperBound {
                guard let (kind, end) = try? scanner.scanValue(at: i, depth: 0) else { return }
                if !body(JSONView(document: document, range: i..<end, kind: kind)) { return }
                i = scanner.skipWhitespace(end)
                guard i < range.upperBound, raw[i] == UInt8(ascii: ",") else { return }
                i = scanner.skipWhitespace(i + 1)
            }
        }
    }

    /// Whether this is a number; `JSONView` exposes the other kinds' tests.
    package var isNumber: Bool { kind == .number }
}

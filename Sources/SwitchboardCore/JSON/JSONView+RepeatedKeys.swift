#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension JSONView {
    /// The first key that appears twice in one object, anywhere inside this value; nil when
    /// every object's keys are unique.
    ///
    /// The gateway reads the first of repeated keys and most servers keep the last (Python's
    /// `json`, JavaScript's `JSON.parse`, Go): a request with `"name"` twice, or an argument
    /// twice, would be judged on one value and run with the other. Such requests are refused
    /// (I-JSON, RFC 7493 §2.3, requires unique names).
    ///
    /// Runs on every routed request, so keys are compared as raw bytes (no string is made);
    /// only an object whose keys hold escapes, which could spell one key two ways, is checked
    /// by decoded value.
    public var firstRepeatedKey: String? {
        switch kind {
        case .object:
            var keys: [UnsafeRawBufferPointer] = []
            var escaped = false
            var repeated: String?
            forEachMember { name, value in
                if name.bytes.contains(UInt8(ascii: "\\")) { escaped = true }
                if !escaped {
                    for key in keys where key.count == name.bytes.count {
                        if key.count == 0 || memcmp(key.baseAddress!, name.bytes.baseAddress!, key.count) == 0 {
                            repeated = name.decoded()
                            return false
                        }
                    }
                    keys.append(name.bytes)
                }
                if value.kind == .object || value.kind == .array, let inner = value.firstRepeatedKey {
                    repeated = inner
                    return false
                }
                return true
            }
            if repeated == nil, escaped { repeated = firstRepeatedDecodedKey }
            return repeated
        case .array:
            for element in elements where element.kind == .object || element.kind == .array {
                if let inner = element.firstRepeatedKey { return inner }
            }
            return nil
        default:
            return nil
        }
    }

    /// This object's own keys compared after unescaping (nested values were checked already).
    private var firstRepeatedDecodedKey: String? {
        var seen: Set<String> = []
        var repeated: String?
        forEachMember { name, _ in
            let key = name.decoded()
            if !seen.insert(key).inserted {
                repeated = key
                return false
            }
            return true
        }
        return repeated
    }
}

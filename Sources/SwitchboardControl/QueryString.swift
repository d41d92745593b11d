import Foundation

/// A request target's query (`a=1&b=x%20y`), as the admin API, the console's sign-in and the
/// OAuth consent callback read it: `+` is a space (form encoding), the rest percent-decoded.
package enum QueryString {
    /// Every `name=value` pair in order; a value that does not decode is empty.
    package static func pairs(_ query: Substring) -> [(String, String)] {
        query.split(separator: "&").filter { !$0.isEmpty }.map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? decode(parts[1]) ?? "" : "")
        }
    }

    /// The first value of `name`; nil when absent or not decodable.
    package static func value(_ name: String, in query: Substring) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts[0] == Substring(name) else { continue }
            return parts.count > 1 ? decode(parts[1]) : ""
        }
        return nil
    }

    private static func decode(_ text: Substring) -> String? {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

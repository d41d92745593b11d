import Foundation

/// The parameters of a `WWW-Authenticate: Bearer …` challenge (RFC 6750 §3) that an MCP
/// server sends with 401 and 403: where its protected-resource metadata is (RFC 9728 §5.1),
/// the scopes it wants, and on 403 `insufficient_scope` (step-up).
package struct BearerChallenge: Sendable, Equatable {
    package var resourceMetadata: String?
    package var scopes: [String]
    package var error: String?

    package init(resourceMetadata: String? = nil, scopes: [String] = [], error: String? = nil) {
        self.resourceMetadata = resourceMetadata
        self.scopes = scopes
        self.error = error
    }

    /// The Bearer challenge among the header's challenges, or nil when there is none.
    package static func parse(_ header: String) -> BearerChallenge? {
        var rest = Substring(header)
        // Challenges are separated by commas too; find "Bearer" as a scheme token.
        guard let start = Self.schemeStart(in: rest) else { return nil }
        rest = rest[start...].dropFirst("bearer".count)
        var challenge = BearerChallenge()
        while true {
            rest = rest.drop { $0 == " " || $0 == "," || $0 == "\t" }
            guard let equals = rest.firstIndex(of: "="), !rest.isEmpty else { break }
            let name = rest[..<equals].trimmingCharacters(in: " \t").lowercased()
            // A token with no "=" after it starts the next challenge.
            if name.contains(" ") { break }
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                var end = rest.endIndex
                for index in rest.indices {
                    let character = rest[index]
                    if escaped {
                        value.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        end = index
                        break
                    } else {
                        value.append(character)
                    }
                }
                rest = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
            } else {
                let end = rest.firstIndex { $0 == "," || $0 == " " } ?? rest.endIndex
                value = String(rest[..<end])
                rest = rest[end...]
            }
            switch name {
            case "resource_metadata": challenge.resourceMetadata = value
            case "scope": challenge.scopes = value.split(separator: " ").map(String.init)
            case "error": challenge.error = value
            default: break
            }
        }
        return challenge
    }

    private static func schemeStart(in header: Substring) -> Substring.Index? {
        var search = header.startIndex
        while let range = header[search...].range(of: "bearer", options: .caseInsensitive) {
            let before = range.lowerBound == header.startIndex ? nil : header[header.index(before: range.lowerBound)]
            let after = range.upperBound == header.endIndex ? nil : header[range.upperBound]
            if (before == nil || before == " " || before == ",") && (after == nil || after == " ") { return range.lowerBound }
            search = range.upperBound
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}

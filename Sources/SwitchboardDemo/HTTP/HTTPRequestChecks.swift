import Foundation
import NIOHTTP1

/// The header checks of the Streamable HTTP transport.
enum HTTPRequestChecks {
    /// `Origin` is absent (not a browser) or names a loopback host. Anything else, including
    /// `null`, is refused: DNS rebinding protection for a server meant to run locally.
    static func isAllowedOrigin(_ headers: HTTPHeaders) -> Bool {
        guard let origin = headers.first(name: "origin") else { return true }
        guard let components = URLComponents(string: origin), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host?.lowercased()
        else { return false }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return bare == "localhost" || bare == "::1" || isIPv4Loopback(bare)
    }

    private static func isIPv4Loopback(_ host: String) -> Bool {
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.first == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// Whether `Accept` admits every one of `types` (exact, `type/*` or `*/*`, with q above 0).
    static func accepts(_ headers: HTTPHeaders, all types: [String]) -> Bool {
        let ranges = headers[canonicalForm: "accept"].compactMap { element -> String? in
            let parts = element.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let range = parts.first, !range.isEmpty else { return nil }
            let refused = parts.dropFirst().contains { parameter in
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                return pair.count == 2 && pair[0] == "q" && Double(pair[1]) == 0
            }
            return refused ? nil : range
        }
        return types.allSatisfy { type in
            let major = type.split(separator: "/").first.map(String.init) ?? type
            return ranges.contains { $0 == type || $0 == "\(major)/*" || $0 == "*/*" }
        }
    }

    /// `Content-Type` is `application/json`, parameters such as `charset` aside.
    static func isJSONContent(_ headers: HTTPHeaders) -> Bool {
        guard let value = headers.first(name: "content-type") else { return false }
        let mediaType = value.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        return mediaType == "application/json"
    }
}

import Foundation

/// `NO_PROXY` / `no_proxy`: the hosts reached directly although a proxy is set. Entries are
/// separated by commas (or spaces): `*` (every host), a domain (`example.com` and
/// `.example.com` both match it and its subdomains; `*.example.com` is read the same), an IP
/// address, a CIDR block (`10.0.0.0/8`, `fd00::/8`), each optionally with `:PORT`. Matching
/// ignores case. Unparsable entries are reported, not silently skipped.
package struct NoProxyList: Sendable, Equatable {
    enum Entry: Sendable, Equatable {
        case everything
        case domain(String, port: Int?)
        case network(bytes: [UInt8], prefix: Int, port: Int?)
    }

    let entries: [Entry]

    package init(_ text: String) throws(OutboundError) {
        var entries: [Entry] = []
        for raw in text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) {
            let item = raw.lowercased()
            if item == "*" {
                entries.append(.everything)
                continue
            }
            var host = Substring(item)
            var port: Int?
            if host.hasPrefix("[") {
                guard let close = host.firstIndex(of: "]") else { throw Self.problem(item) }
                let after = host[host.index(after: close)...]
                if after.hasPrefix(":") {
                    guard let value = Int(after.dropFirst()) else { throw Self.problem(item) }
                    port = value
                }
                host = host[host.index(after: host.startIndex)..<close]
            } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
                guard let value = Int(host[host.index(after: colon)...]) else { throw Self.problem(item) }
                port = value
                host = host[..<colon]
            }
            var prefixLength: Int?
            if let slash = host.firstIndex(of: "/") {
                guard let value = Int(host[host.index(after: slash)...]) else { throw Self.problem(item) }
                prefixLength = value
                host = host[..<slash]
            }
            if let bytes = IPAddressBytes.parse(String(host)) {
                let prefix = prefixLength ?? bytes.count * 8
                guard (0...(bytes.count * 8)).contains(prefix) else { throw Self.problem(item) }
                entries.append(.network(bytes: bytes, prefix: prefix, port: port))
                continue
            }
            guard prefixLength == nil else { throw Self.problem(item) }
            var domain = String(host)
            if domain.hasPrefix("*.") { domain.removeFirst(2) } else if domain.hasPrefix(".") { domain.removeFirst() }
            guard !domain.isEmpty, domain.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" }) else {
                throw Self.problem(item)
            }
            entries.append(.domain(domain, port: port))
        }
        self.entries = entries
    }

    /// Whether `host` (a name or an address literal, without brackets) at `port` bypasses the proxy.
    package func bypasses(host: String, port: Int) -> Bool {
        let name = host.lowercased()
        let address = IPAddressBytes.parse(name)
        for entry in entries {
            switch entry {
            case .everything:
                return true
            case .domain(let domain, let entryPort):
                if let entryPort, entryPort != port { continue }
                if name == domain || name.hasSuffix("." + domain) { return true }
            case .network(let bytes, let prefix, let entryPort):
                if let entryPort, entryPort != port { continue }
                if let address, address.count == bytes.count, IPAddressBytes.samePrefix(address, bytes, bits: prefix) { return true }
            }
        }
        return false
    }

    private static func problem(_ item: String) -> OutboundError {
        OutboundError(.proxy, "NO_PROXY: cannot read \"\(item)\" (expected a domain, an IP address or a CIDR block such as 10.0.0.0/8, optionally with :PORT)")
    }
}

/// IPv4 and IPv6 literals as bytes, through the C library's parser.
enum IPAddressBytes {
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    static func samePrefix(_ a: [UInt8], _ b: [UInt8], bits: Int) -> Bool {
        var remaining = bits
        for index in a.indices where remaining > 0 {
            let take = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - take))
            if a[index] & mask != b[index] & mask { return false }
            remaining -= take
        }
        return true
    }
}

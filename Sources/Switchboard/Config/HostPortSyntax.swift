/// The `HOST[:PORT]` part shared by `listen` and upstream URLs. IPv6 hosts must be bracketed
/// (`[::1]:8080`), as in URLs, because otherwise the port cannot be told from the address.
enum HostPortSyntax {
    /// Splits `authority` into a host (brackets removed) and an optional port in
    /// `minimumPort`…65535. The examples are quoted in messages: `example` for a whole value,
    /// `ipv6Example` for bracket problems.
    static func split(
        _ authority: Substring,
        example: String,
        ipv6Example: String,
        minimumPort: Int
    ) throws(ValueProblem) -> (host: String, port: Int?) {
        let host: Substring
        let portText: Substring?
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else {
                throw ValueProblem("an IPv6 address needs a closing ], as in \(ipv6Example)")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let rest = authority[authority.index(after: close)...]
            if rest.isEmpty {
                portText = nil
            } else if rest.first == ":" {
                portText = rest.dropFirst()
            } else {
                throw ValueProblem("expected :PORT after the bracketed address, as in \(ipv6Example)")
            }
            guard host.contains(":"), host.unicodeScalars.allSatisfy(isIPv6Character) else {
                throw ValueProblem("brackets hold an IPv6 address, as in \(ipv6Example)")
            }
        } else {
            let colons = authority.filter { $0 == ":" }.count
            guard colons <= 1 else {
                throw ValueProblem("an IPv6 address must be written in brackets, as in \(ipv6Example)")
            }
            if let colon = authority.firstIndex(of: ":") {
                host = authority[..<colon]
                portText = authority[authority.index(after: colon)...]
            } else {
                host = authority
                portText = nil
            }
            guard !host.isEmpty, host.unicodeScalars.allSatisfy(isHostNameCharacter) else {
                throw ValueProblem("expected a host name or IP address, as in \(example)")
            }
        }

        guard let portText else { return (String(host), nil) }
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ ("0"..."9").contains($0) }),
            let port = Int(portText), (minimumPort...65535).contains(port)
        else {
            throw ValueProblem("the port must be a number from \(minimumPort) to 65535")
        }
        return (String(host), port)
    }

    private static func isHostNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || scalar == "." || scalar == "-" || scalar == "_"
    }

    /// Hex digits, `:`, `.` for embedded IPv4, and `%` plus a zone name (`fe80::1%eth0`).
    private static func isIPv6Character(_ scalar: Unicode.Scalar) -> Bool {
        isHostNameCharacter(scalar) || scalar == ":" || scalar == "%"
    }
}

import Testing

@testable import SwitchboardOutbound

/// `NO_PROXY` as curl and Go read it: domains with their subdomains, addresses, CIDR blocks,
/// ports, `*`; and entries that are none of those refused by name.
@Suite struct NoProxyListTests {
    @Test(arguments: [
        ("example.com", "example.com", 443, true),
        ("example.com", "api.example.com", 443, true),
        (".example.com", "example.com", 443, true),
        ("*.example.com", "deep.api.example.com", 443, true),
        ("example.com", "notexample.com", 443, false),
        ("example.com", "example.com.evil.net", 443, false),
        ("EXAMPLE.com", "Api.Example.COM", 80, true),
        ("example.com:8443", "example.com", 8443, true),
        ("example.com:8443", "example.com", 443, false),
        ("10.0.0.0/8", "10.20.30.40", 443, true),
        ("10.0.0.0/8", "11.0.0.1", 443, false),
        ("192.168.1.7", "192.168.1.7", 80, true),
        ("192.168.1.7", "192.168.1.8", 80, false),
        ("fd00::/8", "fd12:3456::1", 443, true),
        ("[::1]:8080", "::1", 8080, true),
        ("::1", "::1", 1, true),
        ("10.0.0.0/8", "example.com", 443, false),
        ("*", "anything.at.all", 1, true),
        ("", "example.com", 443, false),
        ("a.com, b.com  c.com", "x.c.com", 443, true),
    ])
    func matches(_ list: String, _ host: String, _ port: Int, _ expected: Bool) throws {
        #expect(try NoProxyList(list).bypasses(host: host, port: port) == expected)
    }

    @Test(arguments: ["10.0.0.0/33", "example.com/8", "host:port", "[::1", "exa mple", "a^b.com"])
    func refusesWhatIsNoEntry(_ entry: String) {
        #expect(throws: OutboundError.self) { try NoProxyList(entry == "exa mple" ? "exa\u{7F}mple" : entry) }
    }
}

import SwitchboardCore
import Testing

@testable import Switchboard

@Suite struct ValueSyntaxTests {
    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)), ("5s", .seconds(5)), ("2m", .seconds(120)), ("1h", .seconds(3600)),
        ("30", .seconds(30)), ("0.25", .milliseconds(250)), ("0.1", .milliseconds(100)), ("1.5s", .milliseconds(1500)),
        ("0.5m", .seconds(30)), ("1.5ms", .microseconds(1500)), ("0", .zero), ("-3s", .seconds(-3)), ("1d", .seconds(86400)), ("0.5d", .seconds(43200)),
    ])
    func durations(_ text: String, _ expected: Duration) {
        #expect(DurationSyntax.parse(text) == expected)
    }

    @Test(arguments: ["", "s", "ms", "5 s", "5sec", "5S", "1D", "1w", ".5", "5.", "1e3", "+5s", "5s5", "0x10", "99999999999999h"])
    func notDurations(_ text: String) {
        #expect(DurationSyntax.parse(text) == nil)
    }

    @Test(arguments: [(Duration.milliseconds(250), "250ms"), (.seconds(30), "30s"), (.seconds(120), "2m"), (.seconds(7200), "2h"), (.seconds(172_800), "2d")])
    func durationsFormatInTheirOwnSyntax(_ duration: Duration, _ text: String) {
        #expect(DurationSyntax.format(duration) == text)
    }

    @Test(arguments: [("0", 0), ("65536", 65536), ("64KiB", 65536), ("4MiB", 4_194_304), ("1GiB", 1_073_741_824)])
    func byteSizes(_ text: String, _ expected: Int) {
        #expect(ByteSizeSyntax.parse(text) == expected)
    }

    @Test(arguments: ["", "KiB", "4MB", "4 MiB", "4mib", "1.5MiB", "-1", "99999999999999999999", "9999999999999GiB"])
    func notByteSizes(_ text: String) {
        #expect(ByteSizeSyntax.parse(text) == nil)
    }

    /// The hand-written check and the published pattern must agree, since the schema uses one
    /// and the loader the other.
    @Test(arguments: [
        "a", "A1", "crm", "my-server", "my_server", "a_b_c", "a-_b", "1", "x-", "a--b",
        "", "_a", "-a", "a_", "a__b", "a___b", "a.b", "a b", "é", "a/b", "a_-", String(repeating: "x", count: 64),
    ])
    func serverNamesMatchThePattern(_ name: String) throws {
        let regex = try Regex(ServerNameRule.pattern)
        let matchesPattern = (try? regex.wholeMatch(in: name)) != nil && name.count <= ServerNameRule.maxLength
        #expect((ServerNameRule.problem(with: name) == nil) == matchesPattern, "\(name)")
    }

    @Test func serverNameLengthLimit() {
        #expect(ServerNameRule.problem(with: String(repeating: "x", count: 64)) == nil)
        #expect(ServerNameRule.problem(with: String(repeating: "x", count: 65)) != nil)
    }

    @Test(arguments: [
        ("http://127.0.0.1:9001/mcp", HTTPEndpoint(host: "127.0.0.1", port: 9001, pathAndQuery: "/mcp")),
        ("http://example.com", HTTPEndpoint(host: "example.com", port: 80, pathAndQuery: "/")),
        ("HTTP://Example.com?x=1", HTTPEndpoint(host: "Example.com", port: 80, pathAndQuery: "/?x=1")),
        ("http://[::1]:9000/sse?a=b&c", HTTPEndpoint(host: "::1", port: 9000, pathAndQuery: "/sse?a=b&c")),
        ("https://mcp.example.com/mcp", HTTPEndpoint(scheme: "https", host: "mcp.example.com", port: 443, pathAndQuery: "/mcp")),
        ("HTTPS://mcp.example.com:8443", HTTPEndpoint(scheme: "https", host: "mcp.example.com", port: 8443, pathAndQuery: "/")),
    ])
    func httpURLs(_ text: String, _ expected: HTTPEndpoint) throws {
        #expect(try HTTPURLSyntax.parse(text) == expected)
    }

    @Test(arguments: ["", "127.0.0.1:9001", "ftp://x", "https://", "http://", "http://:80/", "http://a b/", "http://u@h/", "http://h/#x", "http://::1/"])
    func notHTTPURLs(_ text: String) {
        #expect(throws: ValueProblem.self) { try HTTPURLSyntax.parse(text) }
    }

    @Test func substitution() throws {
        let substitution = EnvironmentSubstitution(environment: ["A": "1", "EMPTY": ""])
        #expect(try substitution.expand("x${A}y${A}") == .init(text: "x1y1", variables: ["A", "A"]))
        #expect(try substitution.expand("${B:-d:-e}") == .init(text: "d:-e", variables: ["B"]))
        #expect(try substitution.expand("${EMPTY:-d}") == .init(text: "d", variables: ["EMPTY"]))
        #expect(try substitution.expand("${EMPTY}") == .init(text: "", variables: ["EMPTY"]))
        #expect(try substitution.expand("${B:-}") == .init(text: "", variables: ["B"]))
        #expect(try substitution.expand("$${A} $A $") == .init(text: "${A} $A $", variables: []))
        #expect(throws: EnvironmentSubstitution.Problem.unset(name: "B")) { try substitution.expand("${B}") }
        #expect(throws: EnvironmentSubstitution.Problem.malformed) { try substitution.expand("${A") }
        #expect(throws: EnvironmentSubstitution.Problem.malformed) { try substitution.expand("${}") }
        #expect(throws: EnvironmentSubstitution.Problem.malformed) { try substitution.expand("${A-b}") }
    }
}

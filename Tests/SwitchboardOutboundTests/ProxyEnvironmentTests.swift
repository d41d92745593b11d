import SwitchboardCore
import Testing

@testable import SwitchboardOutbound

/// Proxy variables as platforms set them: which variable serves which scheme, lower case
/// first, credentials in the URL sent as Basic and never shown, and values that are no proxy
/// named.
@Suite struct ProxyEnvironmentTests {
    @Test func picksTheVariableOfTheScheme() throws {
        let environment = try ProxyEnvironment(environment: [
            "HTTPS_PROXY": "http://secure-proxy:3128", "HTTP_PROXY": "plain-proxy:8080", "NO_PROXY": "internal.example",
        ])
        let secure = try #require(environment.hop(scheme: "https", host: "api.github.com", port: 443))
        #expect(secure.address == ProxyAddress(host: "secure-proxy", port: 3128))
        #expect(secure.source == "HTTPS_PROXY")
        #expect(try secure.authorization().get() == nil)
        let plain = try #require(environment.hop(scheme: "http", host: "api.github.com", port: 80))
        #expect(plain.address == ProxyAddress(host: "plain-proxy", port: 8080))
        #expect(environment.hop(scheme: "https", host: "mcp.internal.example", port: 443) == nil)
        #expect(try ProxyEnvironment(environment: [:]).hop(scheme: "https", host: "a", port: 443) == nil)
    }

    @Test func lowerCaseWinsAndEmptyIsUnset() throws {
        let environment = try ProxyEnvironment(environment: ["https_proxy": "http://lower:1", "HTTPS_PROXY": "http://upper:2", "no_proxy": "", "NO_PROXY": "a"])
        #expect(environment.hop(scheme: "https", host: "a", port: 443)?.address.host == "lower")
        let empty = try ProxyEnvironment(environment: ["https_proxy": "", "HTTPS_PROXY": "http://upper:2"])
        #expect(empty.hop(scheme: "https", host: "a", port: 443)?.address.host == "upper")
    }

    @Test func credentialsBecomeBasicAuthorization() throws {
        let environment = try ProxyEnvironment(environment: ["HTTPS_PROXY": "http://alice:p%40ss@[fd00::1]:3128/"])
        let hop = try #require(environment.hop(scheme: "https", host: "a", port: 443))
        #expect(hop.address == ProxyAddress(host: "fd00::1", port: 3128))
        // base64("alice:p@ss")
        #expect(try hop.authorization().get() == "Basic YWxpY2U6cEBzcw==")
        #expect(!"\(hop.address)".contains("alice"))
    }

    @Test(arguments: [
        ("socks5://proxy:1080", "HTTPS_PROXY: only http:// proxies are supported"),
        ("http://proxy:99999", "HTTPS_PROXY: the proxy's port must be a number"),
        ("http://proxy:3128/path", "HTTPS_PROXY: a proxy URL has no path"),
        ("http://", "HTTPS_PROXY: expected a proxy URL"),
    ])
    func namesTheVariableOfABadValue(_ value: String, _ message: String) {
        do {
            _ = try ProxyEnvironment(environment: ["HTTPS_PROXY": value])
            Issue.record("accepted \(value)")
        } catch {
            #expect(error.message.hasPrefix(message), "\(error)")
        }
    }
}

import Foundation
package import NIOCore
import NIOHTTP1
package import SwitchboardCore
import SwitchboardIdentity

/// The few HTTP exchanges of OAuth (metadata, registration, tokens), each on a connection of
/// its own (`OneShotHTTPClient`: system trust roots, the environment's proxy, no redirects,
/// a bounded body). Control-plane work: the callers are tasks, never the event loops.
package struct OAuthHTTP: Sendable {
    let group: any EventLoopGroup
    let timeout: TimeAmount
    /// The server's `tls` settings, for every host of its OAuth exchanges (a private CA
    /// usually signs the authorization server too); nil: the system's roots.
    let trust: UpstreamTLSConfig?

    package init(group: any EventLoopGroup, timeout: TimeAmount = .seconds(10), trust: UpstreamTLSConfig? = nil) {
        self.group = group
        self.timeout = timeout
        var trust = trust
        // The name checked on the server's own host only: other hosts are checked by their own.
        trust?.serverName = nil
        self.trust = trust
    }

    struct Response {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]

        /// The body as a JSON object, or nil.
        var object: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] }
    }

    func send(_ method: HTTPMethod, _ url: WebURL, headers: HTTPHeaders = [:], body: [UInt8]? = nil, what: String) async throws(OAuthError) -> Response {
        let client = OneShotHTTPClient(url: url, group: group, timeout: timeout, maxBodyBytes: 256 * 1024, trust: trust)
        switch await client.response(method: method, headers: headers, body: body) {
        case .success(let response):
            return Response(status: response.status, headers: response.headers, body: response.body)
        case .failure(let error):
            throw OAuthError("\(what) at \(url.redacted) failed: \(error)")
        }
    }

    /// GET of a JSON object; nil on 404 (a metadata location that does not exist).
    func getObject(_ url: WebURL, what: String) async throws(OAuthError) -> [String: Any]? {
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: "application/json")
        let response = try await send(.GET, url, headers: headers, what: what)
        if response.status == 404 { return nil }
        guard response.status == 200 else { throw OAuthError("\(what) at \(url.redacted) answered HTTP \(response.status)") }
        guard let object = response.object else { throw OAuthError("\(what) at \(url.redacted) is not a JSON object") }
        return object
    }
}

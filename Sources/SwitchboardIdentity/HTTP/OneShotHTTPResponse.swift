package import NIOHTTP1

/// A whole response of a `OneShotHTTPClient` exchange, whatever its status.
package struct OneShotHTTPResponse: Sendable {
    package var status: Int
    package var headers: HTTPHeaders
    package var body: [UInt8]

    package init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

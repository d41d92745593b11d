package import NIOCore
package import NIOHTTP1

/// The credential headers for one upstream request, as a `UpstreamCredentialProvider` has
/// them: at once (the usual case), once a token fetch completes, or not at all.
package enum UpstreamAuthorization: Sendable {
    case ready(HTTPHeaders)
    /// Completes on the event loop the headers were asked for.
    case pending(EventLoopFuture<HTTPHeaders>)
    case failed(UpstreamCredentialError)
}

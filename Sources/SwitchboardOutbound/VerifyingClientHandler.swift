import NIOSSL

/// Makes the client-side TLS handler with a verification callback that only observes, so that
/// a refused chain can be explained (`RejectedCertificate`). NIOSSL marks the initializer that
/// takes such a callback deprecated in favour of callbacks that replace BoringSSL's checks,
/// which the gateway does not want; going through a protocol keeps that note out of the build.
enum VerifyingClientHandler: VerifyingClientHandlerMaking {
    static func make(tls: OutboundTLS, rejected: RejectedCertificate) throws -> NIOSSLClientHandler {
        try (Self.self as any VerifyingClientHandlerMaking.Type).handler(tls: tls, rejected: rejected)
    }

    @available(*, deprecated, message: "observing callback: see the type's comment")
    static func handler(tls: OutboundTLS, rejected: RejectedCertificate) throws -> NIOSSLClientHandler {
        try NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname, verificationCallback: rejected.observe)
    }
}

protocol VerifyingClientHandlerMaking {
    static func handler(tls: OutboundTLS, rejected: RejectedCertificate) throws -> NIOSSLClientHandler
}

import Foundation

/// The scheme and host a client used to reach the gateway, for URLs the gateway hands back
/// (the resource and its metadata) when `auth.resource` is not configured.
package struct RequestOrigin: Sendable, Equatable {
    package var scheme: String
    package var host: String

    package init(scheme: String, host: String) {
        self.scheme = scheme
        self.host = host
    }

    /// `https` when the connection is TLS or a proxy says so in `X-Forwarded-Proto`, else
    /// `http`. A Host header with anything but host-name, address and port characters is
    /// replaced by `localhost`: it is echoed into JSON and a response header.
    package init(host: String?, isTLS: Bool, forwardedProto: String? = nil) {
        let forwarded = forwardedProto?
            .split(separator: ",", maxSplits: 1).first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        scheme = isTLS || forwarded == "https" ? "https" : "http"
        if let host, !host.isEmpty, host.utf8.count <= 255, host.unicodeScalars.allSatisfy(Self.isHostCharacter) {
            self.host = host.lowercased()
        } else {
            self.host = "localhost"
        }
    }

    private static func isHostCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || ".-_:[]".unicodeScalars.contains(scalar)
    }
}

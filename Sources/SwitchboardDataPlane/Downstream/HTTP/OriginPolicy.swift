/// Which browser origins may call the gateway (DNS-rebinding defence, spec digest §8). A
/// request without `Origin` is not from a browser page and passes; otherwise the origin must
/// be listed, or be a loopback origin while the gateway itself listens on loopback.
package struct OriginPolicy: Sendable {
    package let allowed: Set<String>
    package let allowLoopback: Bool

    package init(allowedOrigins: [String], listenHost: String) {
        self.allowed = Set(allowedOrigins.map { $0.lowercased() })
        self.allowLoopback = ["127.0.0.1", "localhost", "::1"].contains(listenHost.lowercased())
    }

    package func permits(_ origin: String?) -> Bool {
        guard let origin else { return true }
        let o = origin.lowercased()
        if allowed.contains(o) || allowed.contains("*") { return true }
        guard allowLoopback else { return false }
        for prefix in ["http://localhost", "http://127.0.0.1", "http://[::1]", "https://localhost", "https://127.0.0.1", "https://[::1]"] {
            guard o.hasPrefix(prefix) else { continue }
            let rest = o.dropFirst(prefix.count)
            if rest.isEmpty { return true }
            if rest.first == ":", rest.dropFirst().allSatisfy({ $0.isNumber }) { return true }
        }
        return false
    }
}

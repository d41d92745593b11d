package import SwitchboardCore

extension HTTPEndpoint {
    /// Resolves a URI reference (RFC 3986 §5.2) against this endpoint, as a client does with
    /// the HTTP+SSE `endpoint` event. The result must keep this endpoint's scheme, host and
    /// port: a server that could point the gateway's POSTs at another origin would turn it
    /// into a request forwarder (SSRF), so any other origin is refused, as are user info,
    /// and characters that do not belong in a request target.
    package func resolvingSameOrigin(_ reference: String) throws(UpstreamTransportError) -> HTTPEndpoint {
        var rest = Substring(reference.trimmingASCIIWhitespace())
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        guard rest.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .protocolViolation("endpoint URI has characters not allowed in a request target")
        }

        if let colon = rest.firstIndex(of: ":"), Self.isScheme(rest[..<colon]) {
            guard rest[..<colon].lowercased() == scheme.lowercased() else {
                throw .protocolViolation("endpoint URI \(reference) leaves the server's origin")
            }
            rest = rest[rest.index(after: colon)...]
            guard rest.hasPrefix("//") else { throw .protocolViolation("endpoint URI \(reference) has no authority") }
        }
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            let end = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
            try checkSameOrigin(rest[..<end], reference: reference)
            rest = rest[end...]
            if !rest.hasPrefix("/") { rest = Substring("/" + rest) }
        }

        let (basePath, baseQuery) = Self.split(pathAndQuery)
        let (path, query) = Self.split(rest)
        var resolved: (path: Substring, query: Substring?)
        if path.isEmpty {
            resolved = (basePath, query ?? baseQuery)
        } else if path.hasPrefix("/") {
            resolved = (path, query)
        } else {
            let directory = basePath[...(basePath.lastIndex(of: "/") ?? basePath.startIndex)]
            resolved = (Substring(String(directory) + path), query)
        }
        var result = self
        result.pathAndQuery = Self.removingDotSegments(resolved.path) + (resolved.query.map { "?" + $0 } ?? "")
        return result
    }

    private func checkSameOrigin(_ authority: Substring, reference: String) throws(UpstreamTransportError) {
        guard !authority.contains("@") else {
            throw .protocolViolation("endpoint URI \(reference) carries user info")
        }
        var hostPart = authority
        var portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .protocolViolation("endpoint URI \(reference) is malformed") }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portPart = after.dropFirst() } else if !after.isEmpty {
                throw .protocolViolation("endpoint URI \(reference) is malformed")
            }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        }
        let defaultPort = scheme.lowercased() == "https" ? 443 : 80
        let port = portPart.flatMap { $0.isEmpty ? defaultPort : Int($0) }
        guard hostPart.lowercased() == host.lowercased(), (port ?? defaultPort) == self.port, portPart == nil || port != nil else {
            throw .protocolViolation("endpoint URI \(reference) leaves the server's origin \(scheme)://\(self.authority)")
        }
    }

    private static func isScheme(_ candidate: Substring) -> Bool {
        guard let first = candidate.first, first.isASCII, first.isLetter else { return false }
        return candidate.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
    }

    private static func split(_ pathAndQuery: Substring) -> (path: Substring, query: Substring?) {
        guard let mark = pathAndQuery.firstIndex(of: "?") else { return (pathAndQuery, nil) }
        return (pathAndQuery[..<mark], pathAndQuery[pathAndQuery.index(after: mark)...])
    }

    private static func split(_ pathAndQuery: String) -> (path: Substring, query: Substring?) {
        split(pathAndQuery[...])
    }

    /// RFC 3986 §5.2.4, on an absolute path.
    private static func removingDotSegments(_ path: Substring) -> String {
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            switch segment {
            case ".":
                if isLast { output.append("") }
            case "..":
                if !output.isEmpty { output.removeLast() }
                if isLast { output.append("") }
            default:
                output.append(segment)
            }
        }
        return "/" + output.joined(separator: "/")
    }
}

extension String {
    fileprivate func trimmingASCIIWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return self[start...end]
    }
}

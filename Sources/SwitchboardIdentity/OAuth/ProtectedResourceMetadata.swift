import NIOCore
package import SwitchboardCore

/// OAuth 2.0 Protected Resource Metadata (RFC 9728) for the gateway's MCP endpoints: the
/// document clients fetch to learn which authorization server issues tokens for it, and the
/// URL of that document for `WWW-Authenticate` challenges.
///
/// `/mcp` is the resource `auth.resource` (when configured) and each virtual server
/// `/mcp/{name}` is a sub-path of it; per RFC 9728 §3.1 each has its own document at
/// `/.well-known/oauth-protected-resource` followed by the resource's path.
package struct ProtectedResourceMetadata: Sendable, Equatable {
    package static let wellKnownPrefix = "/.well-known/oauth-protected-resource"
    /// The data plane's MCP endpoint; `auth.resource` names it.
    package static let mcpPath = "/mcp"

    package var resource: String?
    package var authorizationServers: [String]
    package var scopesSupported: [String]

    package init(resource: String?, authorizationServers: [String], scopesSupported: [String]) {
        self.resource = resource
        self.authorizationServers = authorizationServers
        self.scopesSupported = scopesSupported
    }

    package init(config: AuthConfig) {
        self.init(
            resource: config.resource,
            authorizationServers: config.effectiveAuthorizationServers,
            scopesSupported: config.scopesSupported
        )
    }

    /// Where the gateway serves the document about an MCP path:
    /// `/mcp` → `/.well-known/oauth-protected-resource/mcp`.
    package static func metadataPath(forMCPPath path: String) -> String {
        path == "/" || path.isEmpty ? wellKnownPrefix : wellKnownPrefix + path
    }

    /// The MCP path a request for `metadataPath` asks about, or nil when it is not a metadata
    /// path: `/.well-known/oauth-protected-resource/mcp/ops` → `/mcp/ops`.
    package static func mcpPath(forMetadataPath path: Substring) -> String? {
        guard path.hasPrefix(wellKnownPrefix) else { return nil }
        let rest = path.dropFirst(wellKnownPrefix.count)
        if rest.isEmpty { return "/" }
        return rest.first == "/" ? String(rest) : nil
    }

    /// The resource identifier of an MCP path: `auth.resource` for `/mcp` (plus `/{name}` for a
    /// virtual server), else the request's scheme and host followed by the path.
    package func resource(forMCPPath path: String, origin: RequestOrigin) -> String {
        guard let resource else { return origin.scheme + "://" + origin.host + path }
        if path == Self.mcpPath { return resource }
        guard path.hasPrefix(Self.mcpPath + "/") else { return resource }
        let base = resource.hasSuffix("/") ? String(resource.dropLast()) : resource
        return base + path.dropFirst(Self.mcpPath.count)
    }

    /// The absolute URL of the document about an MCP path, for `resource_metadata="…"`: the
    /// well-known prefix inserted between the resource's origin and its path.
    package func metadataURL(forMCPPath path: String, origin: RequestOrigin) -> String {
        let resource = resource(forMCPPath: path, origin: origin)
        guard let schemeEnd = resource.firstRange(of: "://") else { return resource }
        let afterScheme = resource[schemeEnd.upperBound...]
        let pathStart = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterScheme.endIndex
        let pathAndQuery = afterScheme[pathStart...]
        let queryStart = pathAndQuery.firstIndex(of: "?") ?? pathAndQuery.endIndex
        // RFC 9728 §3.1: a lone trailing slash goes; the query, if any, stays at the end.
        let resourcePath = pathAndQuery[..<queryStart] == "/" ? "" : pathAndQuery[..<queryStart]
        return String(resource[..<pathStart]) + Self.wellKnownPrefix + resourcePath + pathAndQuery[queryStart...]
    }

    /// The JSON document (`application/json`) about an MCP path.
    package func document(forMCPPath path: String, origin: RequestOrigin) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("resource", resource(forMCPPath: path, origin: origin))
        if !authorizationServers.isEmpty { writer.stringArray("authorization_servers", authorizationServers) }
        if !scopesSupported.isEmpty { writer.stringArray("scopes_supported", scopesSupported) }
        writer.stringArray("bearer_methods_supported", ["header"])
        writer.field("resource_name", "Switchboard")
        writer.endObject()
        return String(buffer: writer.buffer)
    }
}

extension JSONWriter {
    fileprivate mutating func stringArray(_ name: String, _ values: [String]) {
        key(name)
        beginArray()
        for value in values { string(value) }
        endArray()
    }
}

import Foundation
import SwitchboardCore
import SwitchboardOpenAPI

/// `servers.NAME.openapi`: the document is read and compiled here, so a document that cannot
/// be used stops the load with its reason, and each operation that cannot be mapped is a
/// finding (`check` prints them; the gateway logs them when it starts).
extension ConfigLoader {
    static func decodeOpenAPI(_ node: ConfigNode, server: ConfigMapping) throws(ConfigError) -> OpenAPIServerConfig {
        let path = try decodeFilePath(node)
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "it is not readable UTF-8 text" : "no such file"
            throw node.error("cannot read the OpenAPI document \(path): \(reason)")
        }
        var options = OpenAPICompiler.Options()
        if let value = server["operations"] { options.selection = try decodeOpenAPISelection(value) }
        if let value = server["security"] { options.secrets = try decodeOpenAPISecrets(value) }
        if let value = server["structured_output"] { options.outputSchemas = try value.bool() }

        let compiled: OpenAPICompiler.Compiled
        do {
            compiled = try OpenAPICompiler.compile(text, options: options)
        } catch {
            throw node.error("the OpenAPI document \(path) cannot be used: \(error.message)")
        }
        let service = compiled.service
        if service.operations.isEmpty {
            if service.unselected > 0, service.findings.allSatisfy({ !$0.skipped }) {
                throw (server["operations"] ?? node).error("selects none of the document's \(service.unselected) operations", atKey: true)
            }
            let first = service.findings.first(where: \.skipped).map { ": \($0)" } ?? ": it has no operations"
            throw node.error("no operation of the OpenAPI document \(path) can be served\(first)")
        }

        let baseURL: HTTPEndpoint
        if let value = server["base_url"] {
            baseURL = try value.parsed(HTTPURLSyntax.parse)
        } else if let url = compiled.serverURL, let parsed = try? HTTPURLSyntax.parse(url) {
            baseURL = parsed
        } else {
            throw node.error(
                "the document names no absolute server URL (servers[0].url): set base_url, e.g. base_url: https://api.example.com/v1", code: .missingKey, atKey: true
            )
        }
        return OpenAPIServerConfig(document: path, baseURL: baseURL, service: service)
    }

    /// `operations: {include: {tags, paths, operations}, exclude: {…}}`.
    static func decodeOpenAPISelection(_ node: ConfigNode) throws(ConfigError) -> OpenAPISelection {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: openAPISelectionKeys)
        var selection = OpenAPISelection()
        if let value = section["include"] { selection.include = try decodeOpenAPIFilter(value) }
        if let value = section["exclude"] { selection.exclude = try decodeOpenAPIFilter(value) }
        return selection
    }

    private static func decodeOpenAPIFilter(_ node: ConfigNode) throws(ConfigError) -> OpenAPISelection.Filter {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: openAPIFilterKeys)
        func strings(_ key: String) throws(ConfigError) -> [String] {
            guard let value = section[key] else { return [] }
            var list: [String] = []
            for item in try value.sequence() { list.append(try item.string()) }
            return list
        }
        let filter = OpenAPISelection.Filter(tags: try strings("tags"), paths: try strings("paths"), operations: try strings("operations"))
        if filter.isEmpty { throw node.error("name at least one of tags, paths or operations", atKey: true) }
        return filter
    }

    /// `security: {SCHEME: value}` for API keys and bearer tokens, `{SCHEME: {username, password}}`
    /// for HTTP basic. Values usually come from `${ENV}`; they are never printed.
    static func decodeOpenAPISecrets(_ node: ConfigNode) throws(ConfigError) -> [String: OpenAPISecret] {
        var secrets: [String: OpenAPISecret] = [:]
        for entry in try ConfigMapping(node).entries {
            if entry.value.isScalar {
                let value = try entry.value.string()
                if value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
                    throw entry.value.error("a credential cannot contain line breaks or NUL")
                }
                secrets[entry.key] = .value(value)
                continue
            }
            let pair = try ConfigMapping(entry.value)
            try pair.rejectUnknownKeys(allowed: openAPIBasicKeys)
            guard let user = pair["username"], let password = pair["password"] else {
                throw entry.value.error(
                    "expected a value (an API key or bearer token) or {username, password} for HTTP basic", code: .missingKey, atKey: true
                )
            }
            let name = try user.string()
            if name.contains(":") { throw user.error("an HTTP basic username cannot contain \":\"") }
            secrets[entry.key] = .basic(username: name, password: try password.string(allowEmpty: true))
        }
        return secrets
    }
}

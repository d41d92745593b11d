import Foundation
import Testing

@testable import Switchboard

/// `docs/config.schema.json` is written by hand; this keeps it honest: at every level its
/// property names are exactly the keys the loader accepts, and every object in it rejects
/// unknown keys as the loader does.
@Suite struct ConfigSchemaTests {
    let schema: [String: Any]

    init() throws {
        let data = try Data(contentsOf: RepositoryFiles.url("docs/config.schema.json"))
        schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func object(_ path: [String]) throws -> [String: Any] {
        var current: Any = schema
        for component in path {
            // A number indexes an array (the alternatives of a oneOf).
            if let index = Int(component), let array = current as? [Any], array.indices.contains(index) {
                current = array[index]
                continue
            }
            current = try #require((current as? [String: Any])?[component], "missing \(path.joined(separator: "."))")
        }
        return try #require(current as? [String: Any])
    }

    func propertyNames(_ path: [String]) throws -> Set<String> {
        Set(try object(path + ["properties"]).keys)
    }

    @Test(arguments: [
        ([], ConfigLoader.rootKeys),
        (["properties", "limits"], ConfigLoader.limitsKeys),
        (["properties", "sessions"], ConfigLoader.sessionsKeys),
        (["properties", "security"], ConfigLoader.securityKeys),
        (["properties", "demo"], ConfigLoader.demoKeys),
        (["properties", "auth"], ConfigLoader.authKeys),
        (["properties", "auth", "properties", "jwt"], ConfigLoader.jwtKeys),
        (["properties", "auth", "properties", "jwt", "properties", "claims"], ConfigLoader.jwtClaimKeys),
        (["properties", "auth", "properties", "certificates"], ConfigLoader.certificateIdentityKeys),
        (["properties", "tls"], ConfigLoader.tlsKeys),
        (["$defs", "server"], ConfigLoader.serverKeys),
        (["$defs", "server", "properties", "stdio"], ConfigLoader.stdioKeys),
        (["$defs", "server", "properties", "timeouts"], ConfigLoader.timeoutKeys),
        (["$defs", "server", "properties", "restart"], ConfigLoader.restartKeys),
        (["$defs", "server", "properties", "tls"], ConfigLoader.upstreamTLSKeys),
        (["$defs", "server", "properties", "names"], ConfigLoader.serverNamesKeys),
        (["$defs", "server", "properties", "credentials"], ConfigLoader.credentialsKeys),
        (["$defs", "server", "properties", "credentials", "properties", "oauth"], ConfigLoader.oauthKeys),
        (["$defs", "server", "properties", "proxy", "oneOf", "1"], ConfigLoader.proxyKeys),
        (["properties", "policy"], ConfigLoader.policyKeys),
        (["properties", "policy", "$defs", "rule"], ConfigLoader.policyRuleKeys),
        (["properties", "policy", "$defs", "rule", "properties", "annotations"], ConfigLoader.annotationMatchKeys),
        (["properties", "policy", "$defs", "argumentPredicate"], ConfigLoader.argumentPredicateKeys),
        (["properties", "quotas"], ConfigLoader.quotaKeys),
        (["properties", "quotas", "$defs", "limit"], ConfigLoader.quotaLimitKeys),
        (["properties", "virtual_servers", "$defs", "virtualServer"], ConfigLoader.virtualServerKeys),
        (["properties", "virtual_servers", "$defs", "virtualServer", "properties", "search", "oneOf", "1"], ConfigLoader.toolSearchKeys),
        (["properties", "audit"], ConfigLoader.auditKeys),
        (["properties", "audit", "properties", "store", "oneOf", "1"], ConfigLoader.auditStoreKeys),
        (["properties", "audit", "$defs", "fileSink"], ConfigLoader.auditSinkCommonKeys + ConfigLoader.auditFileSinkKeys),
        (["properties", "audit", "$defs", "syslogSink"], ConfigLoader.auditSinkCommonKeys + ConfigLoader.auditSyslogSinkKeys),
        (["properties", "audit", "$defs", "webhookSink"], ConfigLoader.auditSinkCommonKeys + ConfigLoader.auditWebhookSinkKeys),
        (["properties", "audit", "$defs", "otlpSink"], ConfigLoader.auditSinkCommonKeys + ConfigLoader.auditOTLPSinkKeys),
        (["properties", "audit", "$defs", "captureRule"], ConfigLoader.auditCaptureKeys),
        (["properties", "metrics"], ConfigLoader.metricsKeys),
        (["properties", "log"], ConfigLoader.logKeys),
        (["properties", "traces"], ConfigLoader.tracesKeys),
        (["properties", "console"], ConfigLoader.consoleKeys),
        (["properties", "console", "properties", "oidc"], ConfigLoader.consoleOIDCKeys),
    ])
    func propertiesMatchTheLoaderKeys(_ path: [String], _ loaderKeys: [String]) throws {
        let schemaKeys = try propertyNames(path)
        let loader = Set(loaderKeys)
        #expect(schemaKeys.subtracting(loader).isEmpty, "in the schema only: \(schemaKeys.subtracting(loader).sorted())")
        #expect(loader.subtracting(schemaKeys).isEmpty, "in the loader only: \(loader.subtracting(schemaKeys).sorted())")
        #expect(try object(path)["additionalProperties"] as? Bool == false)
    }

    @Test func serversAreKeyedByTheServerNamePattern() throws {
        let servers = try object(["properties", "servers"])
        let patterns = try #require(servers["patternProperties"] as? [String: Any])
        #expect(Array(patterns.keys) == [ConfigLoader.serverNamePattern])
        #expect(servers["additionalProperties"] as? Bool == false)
        #expect((servers["propertyNames"] as? [String: Any])?["maxLength"] as? Int == ServerNameRule.maxLength)
    }

    @Test func transportsAreExactlyOneOf() throws {
        let oneOf = try #require(try object(["$defs", "server"])["oneOf"] as? [[String: Any]])
        let required = oneOf.compactMap { ($0["required"] as? [String])?.first }
        #expect(required == ConfigLoader.transportKeys)
    }

    /// Any object in the schema that lists properties must also forbid others, and every
    /// listed property must be described for editors that show hover help.
    @Test func everyObjectIsClosedAndDescribed() throws {
        func walk(_ value: Any, _ path: String) {
            if let object = value as? [String: Any] {
                if let properties = object["properties"] as? [String: Any] {
                    #expect(object["additionalProperties"] as? Bool == false, "\(path) allows unknown keys")
                    for (name, property) in properties {
                        #expect((property as? [String: Any])?["description"] is String, "\(path).\(name) has no description")
                    }
                }
                for (key, child) in object { walk(child, path + "/" + key) }
            } else if let array = value as? [Any] {
                for (index, child) in array.enumerated() { walk(child, "\(path)/\(index)") }
            }
        }
        walk(schema, "#")
    }
}

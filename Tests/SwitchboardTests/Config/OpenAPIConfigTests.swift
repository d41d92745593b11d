import Foundation
import SwitchboardCore
import Testing

@testable import Switchboard

/// `servers.NAME.openapi` and the keys that go with it: the document read beside the config,
/// its server URL as the default base, selection and security, and each refusal naming its key.
@Suite struct OpenAPIConfigTests {
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "openapi-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
            openapi: 3.1.0
            info: {title: Shop, version: '3'}
            servers: [{url: 'https://{region}.shop.example.com/api', variables: {region: {default: eu}}}]
            paths:
              /orders:
                get: {operationId: listOrders, tags: [orders], security: [{key: []}], responses: {'200': {description: ok}}}
              /admin/reset:
                post: {operationId: reset, tags: [admin], responses: {'200': {description: ok}}}
            components:
              securitySchemes:
                key: {type: apiKey, in: header, name: X-Key}
                basic: {type: http, scheme: basic}
            """.write(toFile: folder + "/shop.yaml", atomically: true, encoding: .utf8)
    }

    func parse(_ server: String, environment: [String: String] = [:]) throws(ConfigError) -> ServerConfig {
        try ConfigLoader.parse(yaml: "servers:\n  shop:\n" + server, path: folder + "/switchboard.yaml", environment: environment).servers[0]
    }

    func refusal(_ server: String) -> String {
        do {
            _ = try parse(server)
            return "accepted"
        } catch {
            return error.description
        }
    }

    @Test func theDocumentBesideTheConfigAndItsServerURL() throws {
        let shop = try parse("    openapi: shop.yaml\n")
        guard case .openAPI(let api) = shop.transport else { Issue.record("not openapi: \(shop.transport)"); return }
        #expect(api.document == folder + "/shop.yaml")
        #expect(api.baseURL == HTTPEndpoint(scheme: "https", host: "eu.shop.example.com", port: 443, pathAndQuery: "/api"))
        #expect(api.service.operations.map(\.name) == ["listOrders", "reset"])
        #expect(shop.era == .legacy, "the gateway answers for the document as a 2025-11-25 server")
        #expect(shop.transport.kindName == "openapi")
    }

    @Test func selectionSecurityAndBase() throws {
        let shop = try parse("""
                openapi: shop.yaml
                base_url: http://127.0.0.1:9003/v2
                operations: {exclude: {tags: [admin]}}
                security:
                  key: ${SHOP_KEY}
                  basic: {username: gateway, password: pw}
                structured_output: false
                headers: {X-Tenant: acme}
            """, environment: ["SHOP_KEY": "k-123"])
        guard case .openAPI(let api) = shop.transport else { Issue.record("not openapi"); return }
        #expect(api.baseURL.description == "http://127.0.0.1:9003/v2")
        #expect(api.service.operations.map(\.name) == ["listOrders"])
        #expect(api.service.operations[0].credentials == [.init(location: .header, name: "X-Key", value: "k-123")])
        // The basic pair reaches the request of an operation that asks for it.
        try """
            openapi: 3.1.0
            info: {title: Basic, version: '1'}
            paths:
              /me: {get: {operationId: me, security: [{basic: []}], responses: {'200': {description: ok}}}}
            components:
              securitySchemes:
                basic: {type: http, scheme: basic}
            """.write(toFile: folder + "/basic.yaml", atomically: true, encoding: .utf8)
        let basic = try parse("    openapi: basic.yaml\n    base_url: http://127.0.0.1:1\n    security:\n      basic: {username: gateway, password: pw}\n")
        guard case .openAPI(let basicAPI) = basic.transport else { Issue.record("not openapi"); return }
        #expect(basicAPI.service.operations[0].credentials == [.init(location: .header, name: "Authorization", value: "Basic Z2F0ZXdheTpwdw==")])
        #expect(shop.headers.map(\.name) == ["X-Tenant"])
        #expect(!String(describing: shop).contains("k-123"), "a printed config shows no secret")
    }

    @Test func refusalsNameTheKey() {
        #expect(refusal("    openapi: shop.yaml\n    era: modern\n").contains("servers.shop.era: an openapi server is served by the gateway itself"))
        #expect(refusal("    openapi: shop.yaml\n    restart: {initial_backoff: 1s}\n").contains("servers.shop.restart:"))
        #expect(refusal("    openapi: shop.yaml\n    operations: {include: {tags: [nothing]}}\n").contains("servers.shop.operations: selects none of the document's 2 operations"))
        #expect(refusal("    openapi: shop.yaml\n    operations: {include: {}}\n").contains("name at least one of tags, paths or operations"))
        #expect(refusal("    openapi: shop.yaml\n    operations: {only: {tags: [x]}}\n").contains("unknown key"))
        #expect(refusal("    openapi: shop.yaml\n    security: {basic: {username: a}}\n").contains("{username, password}"))
        #expect(refusal("    openapi: shop.yaml\n    security: {basic: {username: 'a:b', password: c}}\n").contains("cannot contain \":\""))
        #expect(refusal("    openapi: shop.yaml\n    url: http://x/mcp\n").contains("a server has exactly one transport"))
        #expect(refusal("    stdio: {command: x}\n    security: {key: v}\n").contains("servers.shop.security: security applies to openapi servers"))
        #expect(refusal("    openapi: shop.yaml\n    base_url: ftp://x\n").contains("servers.shop.base_url:"))
    }

    @Test func aDocumentWithoutAnAbsoluteServerNeedsABase() throws {
        try "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers: [{url: /v1}]\npaths:\n  /a: {get: {responses: {'200': {description: ok}}}}\n"
            .write(toFile: folder + "/relative.yaml", atomically: true, encoding: .utf8)
        #expect(refusal("    openapi: relative.yaml\n").contains("servers.shop.openapi: the document names no absolute server URL (servers[0].url): set base_url"))
        #expect(refusal("    openapi: relative.yaml\n    base_url: http://127.0.0.1:1\n") == "accepted")
    }
}

import Foundation
import SwitchboardCore
import SwitchboardOpenAPI
import Testing

/// Documents nobody here wrote (Debian's kin-openapi test data) and small ones that pin a rule
/// each, compiled into tools.
@Suite struct OpenAPICompilerTests {
    @Test func petstoreThreeZeroBecomesOneToolWithItsBodySpread() throws {
        let service = try OpenAPICompiler.compile(try KinOpenAPIDocuments.petstore30).service
        #expect(service.title == "Swagger Petstore")
        #expect(service.operations.map(\.name) == ["addPet"])
        let addPet = try #require(service.operations.first)
        #expect(addPet.method == "POST")
        #expect(addPet.path == [.literal("/pet")])
        #expect(addPet.body == .flattened(arguments: ["category", "id", "name", "photoUrls", "status", "tags"], contentType: .json))
        #expect(addPet.parameters.map(\.argument) == ["num"])
        #expect(addPet.result == .undeclared, "only a 405 is described")

        let tool = try ToolJSON(addPet.definition)
        #expect(tool.title == "Add a new pet to the store")
        #expect(tool.required == ["name", "photoUrls"])
        #expect(Set(tool.properties.keys) == ["category", "id", "name", "photoUrls", "status", "tags", "num"])
        // The spread component is not carried; what its properties refer to is.
        #expect(Set(tool.definitions.keys) == ["Category", "Tag"])
        #expect(tool.outputSchema == nil)
        #expect(tool.annotations["readOnlyHint"] as? Bool == false)
        #expect(tool.annotations["destructiveHint"] as? Bool == false)
        try tool.expectReferencesResolve()
    }

    @Test func threeOneDocumentWithCallbacks() throws {
        let service = try OpenAPICompiler.compile(try KinOpenAPIDocuments.callbacks31).service
        #expect(service.operations.map(\.name) == ["post_trans", "post_other"])
        #expect(service.findings.filter(\.skipped).isEmpty)
        let other = try ToolJSON(service.operations[1].definition)
        #expect(other.required == ["queryUrl"])
        #expect((other.properties["queryUrl"] as? [String: Any])?["format"] as? String == "uri")
        #expect(other.outputSchema?["type"] as? String == "object")
        #expect(service.operations[1].result == .object)
    }

    @Test func aPathInAnotherFileIsAFindingNotAFailure() throws {
        let service = try OpenAPICompiler.compile(try KinOpenAPIDocuments.recursive30).service
        #expect(service.operations.isEmpty)
        #expect(service.findings.count == 1)
        #expect(service.findings.first?.skipped == true)
        #expect(service.findings.first?.description.contains("/foo") == true)
    }

    /// kin-openapi's recursive components (a predicate made of predicates, through `oneOf` and
    /// arrays), reached from local operations: carried as `$defs`, cycles and all.
    @Test func recursiveReferencesBecomeDefinitions() throws {
        let original = try KinOpenAPIDocuments.recursive30
        let paths = """
            paths:
              /filter:
                post:
                  operationId: filter
                  requestBody:
                    required: true
                    content:
                      application/json:
                        schema: {$ref: '#/components/schemas/FilterColumnIncludes'}
                  responses:
                    '200':
                      description: the predicate back
                      content:
                        application/json:
                          schema: {$ref: '#/components/schemas/FilterPredicate'}

            """
        let text = original.replacingOccurrences(of: "paths:\n  /foo:\n    $ref: ./paths/foo.yml\n", with: paths)
        #expect(text != original, "the document's paths block changed upstream; update the replacement")
        let operation = try #require(try OpenAPICompiler.compile(text).service.operations.first)
        let tool = try ToolJSON(operation.definition)
        // Not spread: `additionalProperties: false` with min/max properties is a constraint on the
        // whole object, so the body stays one argument.
        #expect(operation.body == .whole(argument: "body", contentType: .json, required: true))
        #expect(Set(tool.definitions.keys).isSuperset(of: ["FilterColumnIncludes", "FilterPredicate", "FilterPredicateOp", "FilterValue"]))
        try tool.expectReferencesResolve()
        // The output is a oneOf, not an object: wrapped as {"result": …}.
        #expect(operation.result == .wrapped)
        #expect((tool.outputSchema?["required"] as? [String]) == ["result"])
    }

    @Test func methodsGiveHints() throws {
        let service = try OpenAPICompiler.compile(Self.document(paths: """
              /items/{id}:
                parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
                get: {operationId: getItem, responses: {'200': {description: ok}}}
                put: {operationId: putItem, responses: {'200': {description: ok}}}
                delete: {operationId: deleteItem, responses: {'204': {description: gone}}}
            """)).service
        let hints = try service.operations.map { try ToolJSON($0.definition).annotations }
        #expect(hints[0]["readOnlyHint"] as? Bool == true && hints[0]["destructiveHint"] == nil)
        #expect(hints[1]["idempotentHint"] as? Bool == true && hints[1]["destructiveHint"] as? Bool == false)
        #expect(hints[2]["idempotentHint"] as? Bool == true && hints[2]["destructiveHint"] as? Bool == true)
        #expect(service.operations[0].path == [.literal("/items/"), .parameter(.init(argument: "id", name: "id", location: .path, required: true, style: .simple, explode: false))])
    }

    @Test func namesWithoutOperationIDsAndRepeatedOnes() throws {
        let service = try OpenAPICompiler.compile(Self.document(paths: """
              /users/{user-id}/repos:
                parameters: [{name: user-id, in: path, required: true, schema: {type: string}}]
                get: {responses: {'200': {description: ok}}}
              /a:
                get: {operationId: 'list items', responses: {'200': {description: ok}}}
              /b:
                get: {operationId: 'list items', responses: {'200': {description: ok}}}
            """)).service
        #expect(service.operations.map(\.name) == ["get_users_user-id_repos", "list_items", "list_items_2"])
    }

    @Test func aNameInTwoPlacesIsQualifiedByWhereItGoes() throws {
        let operation = try #require(try OpenAPICompiler.compile(Self.document(paths: """
              /things/{id}:
                get:
                  parameters:
                    - {name: id, in: path, required: true, schema: {type: string}}
                    - {name: id, in: query, schema: {type: string}}
                    - {name: X-Trace, in: header, schema: {type: string}}
                  responses: {'200': {description: ok}}
            """)).service.operations.first)
        #expect(Set(try ToolJSON(operation.definition).properties.keys) == ["path_id", "query_id", "X-Trace"])
        #expect(operation.parameters.map(\.argument) == ["query_id", "X-Trace"])
    }

    @Test func responsesDeclareOutputs() throws {
        let service = try OpenAPICompiler.compile(Self.document(paths: """
              /list:
                get:
                  operationId: list
                  responses:
                    '200': {description: ok, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Item'}}}}}
              /one:
                get:
                  operationId: one
                  responses:
                    '201': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Item'}}}}
            """, components: "    Item: {type: object, properties: {name: {type: string}}}\n")).service
        #expect(service.operations.map(\.result) == [.wrapped, .object])
        let one = try ToolJSON(service.operations[1].definition)
        #expect(one.outputSchema?["$ref"] as? String == "#/$defs/Item")
        #expect(one.outputSchema?["type"] as? String == "object")
        try one.expectReferencesResolve()
        let off = try OpenAPICompiler.compile(Self.document(paths: """
              /one:
                get:
                  operationId: one
                  responses: {'200': {description: ok, content: {application/json: {schema: {type: object}}}}}
            """), options: .init(outputSchemas: false)).service
        #expect(try ToolJSON(off.operations[0].definition).outputSchema == nil)
        #expect(off.operations[0].result == .undeclared)
    }

    @Test func selectionByTagPathAndOperation() throws {
        let text = Self.document(paths: """
              /pets: {get: {operationId: listPets, tags: [pets], responses: {'200': {description: ok}}}}
              /pets/{id}:
                parameters: [{name: id, in: path, required: true, schema: {type: string}}]
                delete: {operationId: deletePet, tags: [pets], responses: {'204': {description: ok}}}
              /admin/users: {get: {operationId: listUsers, tags: [admin], responses: {'200': {description: ok}}}}
            """)
        let pets = OpenAPISelection(include: .init(tags: ["pets"]), exclude: .init(operations: ["deletePet"]))
        let selected = try OpenAPICompiler.compile(text, options: .init(selection: pets)).service
        #expect(selected.operations.map(\.name) == ["listPets"])
        #expect(selected.unselected == 2)
        let byPath = OpenAPISelection(exclude: .init(paths: ["/admin/*"]))
        #expect(try OpenAPICompiler.compile(text, options: .init(selection: byPath)).service.operations.map(\.name) == ["listPets", "deletePet"])
    }

    @Test func securitySchemesTakeConfiguredValuesOnly() throws {
        let text = Self.document(
            paths: """
                  /a: {get: {operationId: a, security: [{key: []}], responses: {'200': {description: ok}}}}
                  /b: {get: {operationId: b, security: [{token: []}], responses: {'200': {description: ok}}}}
                  /c: {get: {operationId: c, security: [{basic: []}], responses: {'200': {description: ok}}}}
                  /d: {get: {operationId: d, security: [{nothing: []}, {}], responses: {'200': {description: ok}}}}
                  /e: {get: {operationId: e, security: [{cookie: []}, {key: []}], responses: {'200': {description: ok}}}}
                """,
            extra: """
                  securitySchemes:
                    key: {type: apiKey, in: query, name: api_key}
                    cookie: {type: apiKey, in: cookie, name: session}
                    token: {type: http, scheme: bearer}
                    basic: {type: http, scheme: basic}
                    nothing: {type: apiKey, in: header, name: X-Nothing}
                """)
        let secrets: [String: OpenAPISecret] = ["key": .value("k-1"), "token": .value("t-1"), "basic": .basic(username: "u", password: "p"), "unknown": .value("x")]
        let service = try OpenAPICompiler.compile(text, options: .init(secrets: secrets)).service
        let credentials = Dictionary(uniqueKeysWithValues: service.operations.map { ($0.name, $0.credentials) })
        #expect(credentials["a"] == [.init(location: .query, name: "api_key", value: "k-1")])
        #expect(credentials["b"] == [.init(location: .header, name: "Authorization", value: "Bearer t-1")])
        #expect(credentials["c"] == [.init(location: .header, name: "Authorization", value: "Basic dTpw")])
        #expect(credentials["d"] == [], "the empty alternative means anonymous is fine")
        #expect(credentials["e"] == [.init(location: .query, name: "api_key", value: "k-1")], "the first alternative the config satisfies")
        #expect(service.findings.map(\.description) == ["security: unknown is configured but the document has no such security scheme"])
        // Printing never shows a value.
        #expect(!String(describing: credentials).contains("k-1") && !String(describing: secrets).contains("t-1"))

        let unconfigured = try OpenAPICompiler.compile(text).service
        #expect(unconfigured.findings.contains { $0.operation == "GET /a (a)" && $0.message.contains("servers.NAME.security.key") && !$0.skipped })
    }

    @Test func unusableDocumentsSayWhy() {
        func message(_ text: String) -> String {
            do {
                _ = try OpenAPICompiler.compile(text)
                return "compiled"
            } catch {
                return error.message
            }
        }
        #expect(message("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n").contains("Swagger 2.0"))
        #expect(message("just text").contains("mapping"))
        #expect(message("info: {title: t}\n").contains("no \"openapi\" field"))
        #expect(message("openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n").contains("4.0.0 is not supported"))
        #expect(message("openapi: 3.0.3\ninfo: {title: t}\npaths: {}\n").contains("not a valid OpenAPI 3.0.3 document"))
        #expect(message("{\"openapi\": \"3.1.0\", ").contains("not readable as JSON"))
        #expect(message("openapi: 3.1.0\ninfo: [\n").contains("not readable as YAML"))
    }

    @Test func multipartBodiesAreFindings() throws {
        let service = try OpenAPICompiler.compile(Self.document(paths: """
              /upload:
                post:
                  operationId: upload
                  requestBody: {required: true, content: {multipart/form-data: {schema: {type: object}}}}
                  responses: {'200': {description: ok}}
              /note:
                post:
                  operationId: note
                  requestBody: {content: {application/octet-stream: {schema: {type: string}}}}
                  responses: {'200': {description: ok}}
            """)).service
        #expect(service.operations.map(\.name) == ["note"])
        #expect(service.findings.map(\.skipped) == [true, false])
    }

    /// A generated document of 1,000 operations: compile time and memory, reported. The
    /// compile (tens of seconds in a debug build on a loaded machine) runs on a thread of its
    /// own: on the cooperative pool it would starve the async tests running beside it.
    @Test func aThousandOperations() async throws {
        var paths: [String: Any] = [:]
        for index in 0..<1000 {
            paths["/resources\(index)/{id}"] = [
                "parameters": [["name": "id", "in": "path", "required": true, "schema": ["type": "string"]]],
                (index % 2 == 0 ? "get" : "post"): [
                    "operationId": "operation\(index)", "summary": "Operation number \(index)", "tags": ["group\(index % 10)"],
                    "parameters": [["name": "limit", "in": "query", "schema": ["type": "integer", "maximum": 100]]],
                    "responses": ["200": ["description": "ok", "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Thing\(index % 50)"]]]]],
                ],
            ]
        }
        var schemas: [String: Any] = [:]
        for index in 0..<50 {
            schemas["Thing\(index)"] = ["type": "object", "properties": ["id": ["type": "string"], "next": ["$ref": "#/components/schemas/Thing\((index + 1) % 50)"]]]
        }
        let document: [String: Any] = ["openapi": "3.1.0", "info": ["title": "big", "version": "1"], "paths": paths, "components": ["schemas": schemas]]
        let text = String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)

        let before = Self.residentKilobytes()
        let (service, elapsed) = try await withCheckedThrowingContinuation { (done: CheckedContinuation<(OpenAPIService, Duration), any Error>) in
            Thread.detachNewThread {
                let start = ContinuousClock.now
                done.resume(with: Result { (try OpenAPICompiler.compile(text).service, ContinuousClock.now - start) })
            }
        }
        let listBytes = service.operations.reduce(0) { $0 + $1.definition.utf8.count }
        print("OpenAPI 1,000 operations: compiled in \(elapsed), tool list \(listBytes / 1024) KiB, resident +\(Self.residentKilobytes() - before) KiB (debug build; tests run beside it)")
        #expect(service.operations.count == 1000)
        #expect(Set(service.operations.map(\.name)).count == 1000)
        #expect(service.findings.isEmpty)
        #expect(elapsed < .seconds(120))
        // Each tool carries the ring of 50 components its output reaches, and no more.
        #expect(try ToolJSON(service.operations[7].definition).outputDefinitions.count == 50)
    }

    // MARK: Helpers

    static func document(paths: String, components: String = "", extra: String = "") -> String {
        var text = "openapi: 3.1.0\ninfo: {title: test, version: '1'}\npaths:\n" + paths + "\n"
        if !components.isEmpty || !extra.isEmpty {
            text += "components:\n"
            if !components.isEmpty { text += "  schemas:\n" + components }
            text += extra
        }
        return text
    }

    /// Resident memory now (`/proc/self/statm`), in KiB.
    static func residentKilobytes() -> Int {
        let fields = ((try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? "").split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * 4 : 0
    }
}

/// A compiled tool definition read back, for assertions.
struct ToolJSON {
    let object: [String: Any]

    init(_ json: String) throws {
        object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    var title: String? { object["title"] as? String }
    var input: [String: Any] { object["inputSchema"] as? [String: Any] ?? [:] }
    var properties: [String: Any] { input["properties"] as? [String: Any] ?? [:] }
    var required: [String] { input["required"] as? [String] ?? [] }
    var definitions: [String: Any] { input["$defs"] as? [String: Any] ?? [:] }
    var outputSchema: [String: Any]? { object["outputSchema"] as? [String: Any] }
    var outputDefinitions: [String: Any] { outputSchema?["$defs"] as? [String: Any] ?? [:] }
    var annotations: [String: Any] { object["annotations"] as? [String: Any] ?? [:] }

    /// Every `#/$defs/X` in each schema names one of that schema's own `$defs`.
    func expectReferencesResolve() throws {
        for schema in [input, outputSchema ?? [:]] {
            let defined = Set((schema["$defs"] as? [String: Any] ?? [:]).keys)
            var missing: [String] = []
            func walk(_ json: Any) {
                if let object = json as? [String: Any] {
                    if let ref = object["$ref"] as? String {
                        let name = String(ref.dropFirst("#/$defs/".count))
                        if !ref.hasPrefix("#/$defs/") || !defined.contains(name) { missing.append(ref) }
                    }
                    object.values.forEach(walk)
                } else if let array = json as? [Any] {
                    array.forEach(walk)
                }
            }
            walk(schema)
            #expect(missing.isEmpty, "unresolved references: \(missing)")
        }
    }
}

import Foundation
import OpenAPIKit
import SwitchboardCore
import NIOCore

/// One operation into one tool: its input schema (parameters and body, flat), its output
/// schema, hints from the method, the credentials its security asks for, and the request plan.
/// What cannot be followed is written to `notes`; `compile` returns nil when the operation
/// cannot be called at all.
struct OpenAPIOperationCompiler {
    let document: OpenAPI.Document
    let schemas: OpenAPISchemaSet
    let path: OpenAPI.Path
    let pathItem: OpenAPI.PathItem
    /// Upper case.
    let method: String
    let operation: OpenAPI.Operation
    let options: OpenAPICompiler.Options

    private(set) var notes: [String] = []
    private var inputReach = OpenAPISchemaSet.Reach()
    private var outputReach = OpenAPISchemaSet.Reach()

    init(
        document: OpenAPI.Document, schemas: OpenAPISchemaSet, path: OpenAPI.Path, pathItem: OpenAPI.PathItem, method: String, operation: OpenAPI.Operation,
        options: OpenAPICompiler.Options
    ) {
        self.document = document
        self.schemas = schemas
        self.path = path
        self.pathItem = pathItem
        self.method = method
        self.operation = operation
        self.options = options
    }

    mutating func compile(takenNames: inout Set<String>) -> OpenAPIOperation? {
        guard let parameters = resolvedParameters() else { return nil }
        var properties: [(String, Any)] = []
        var required: [String] = []
        var plans: [OpenAPIParameter] = []

        let repeated = Dictionary(grouping: parameters, by: \.name).filter { $0.value.count > 1 }.keys
        for parameter in parameters {
            guard let plan = plan(for: parameter, renamed: repeated.contains(parameter.name)) else {
                if parameter.required { return nil }
                continue
            }
            var schema = plan.schema
            if let description = parameter.description, !description.isEmpty, var object = schema as? [String: Any], object["description"] == nil {
                object["description"] = description
                schema = object
            }
            properties.append((plan.parameter.argument, schema))
            if plan.parameter.required { required.append(plan.parameter.argument) }
            plans.append(plan.parameter)
        }

        guard let path = pathPieces(plans) else { return nil }
        let body: OpenAPIBody?
        switch requestBody(taken: Set(properties.map(\.0))) {
        case .unusable:
            return nil
        case .none:
            body = nil
        case .some(let made):
            body = made.plan
            properties.append(contentsOf: made.properties)
            required.append(contentsOf: made.required)
        }
        let output = outputSchema()
        let credentials = securityCredentials()

        let name = uniqueName(&takenNames)
        var input: [String: Any] = ["type": "object", "properties": Dictionary(properties, uniquingKeysWith: { first, _ in first })]
        if !required.isEmpty { input["required"] = required }
        notes.append(contentsOf: Set(inputReach.problems + outputReach.problems).sorted())

        var writer = JSONWriter()
        writer.beginObject()
        writer.field("name", name)
        if let summary = operation.summary, !summary.isEmpty { writer.field("title", summary) }
        writer.field("description", description)
        writer.field("inputSchema", raw: schemas.withDefinitions(input))
        if let schema = output.schema { writer.field("outputSchema", raw: schemas.withDefinitions(schema)) }
        writer.key("annotations")
        writer.beginObject()
        let readOnly = ["GET", "HEAD", "OPTIONS"].contains(method)
        writer.field("readOnlyHint", readOnly)
        if !readOnly {
            writer.field("destructiveHint", method == "DELETE")
            writer.field("idempotentHint", method == "PUT" || method == "DELETE")
        }
        writer.field("openWorldHint", true)
        writer.endObject()
        writer.endObject()

        return OpenAPIOperation(
            name: name, method: method, pathTemplate: self.path.rawValue, path: path, parameters: plans.filter { $0.location != .path }, body: body,
            credentials: credentials, definition: String(buffer: writer.buffer), result: output.shape
        )
    }

    // MARK: Parameters

    /// The path item's parameters, then the operation's (which replace those with the same
    /// name and location).
    private mutating func resolvedParameters() -> [OpenAPI.Parameter]? {
        var resolved: [OpenAPI.Parameter] = []
        for either in pathItem.parameters + operation.parameters {
            guard let parameter = document.components[either] else {
                notes.append("a parameter reference cannot be resolved (references to other files are not followed)")
                return nil
            }
            resolved.removeAll { $0.name == parameter.name && $0.location == parameter.location }
            resolved.append(parameter)
        }
        return resolved
    }

    private mutating func plan(for parameter: OpenAPI.Parameter, renamed: Bool) -> (parameter: OpenAPIParameter, schema: Any)? {
        let location: OpenAPIParameter.Location
        let schemaOrContent: Either<OpenAPI.Parameter.SchemaContext, OpenAPI.Content.Map>
        switch parameter.context {
        case .path(let context): (location, schemaOrContent) = (.path, context)
        case .query(_, _, let context): (location, schemaOrContent) = (.query, context)
        case .header(_, let context): (location, schemaOrContent) = (.header, context)
        case .cookie(_, let context): (location, schemaOrContent) = (.cookie, context)
        case .querystring:
            notes.append("the querystring parameter \(parameter.name) is not supported")
            return nil
        }
        guard case .a(let context) = schemaOrContent else {
            notes.append("the \(location.rawValue) parameter \(parameter.name) is described by content, not a schema, and is not supported")
            return nil
        }
        let plan = OpenAPIParameter(
            argument: renamed ? "\(location.rawValue)_\(parameter.name)" : parameter.name, name: parameter.name, location: location,
            required: parameter.required || location == .path, style: OpenAPIParameter.Style(rawValue: context.style.rawValue) ?? .form,
            explode: context.explode, allowReserved: context.allowReserved
        )
        return (plan, schemas.json(context.schema, into: &inputReach))
    }

    /// The path split at its `{name}` templates, each filled by its path parameter.
    private mutating func pathPieces(_ parameters: [OpenAPIParameter]) -> [OpenAPIPathPiece]? {
        var pieces: [OpenAPIPathPiece] = []
        var rest = Substring(path.rawValue.hasPrefix("/") ? path.rawValue : "/" + path.rawValue)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            if open > rest.startIndex { pieces.append(.literal(String(rest[..<open]))) }
            let name = String(rest[rest.index(after: open)..<close])
            guard let parameter = parameters.first(where: { $0.location == .path && $0.name == name }) else {
                notes.append("the path template {\(name)} has no path parameter")
                return nil
            }
            pieces.append(.parameter(parameter))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { pieces.append(.literal(String(rest))) }
        return pieces
    }

    // MARK: Body

    private enum BodyOutcome {
        case none
        case unusable
        case some((plan: OpenAPIBody, properties: [(String, Any)], required: [String]))
    }

    /// A JSON (or form) body: its object's properties as top-level arguments when that is
    /// unambiguous (a plain object, no name shared with a parameter), else one `body` argument.
    private mutating func requestBody(taken: Set<String>) -> BodyOutcome {
        guard let either = operation.requestBody else { return .none }
        guard let request = document.components[either] else {
            notes.append("the request body reference cannot be resolved")
            return .unusable
        }
        var chosen: (type: OpenAPIBodyType, content: OpenAPI.Content)?
        for (type, content) in request.content {
            let name = type.typeAndSubtype.lowercased()
            let kind: OpenAPIBodyType? =
                name == "application/json" || name.hasSuffix("+json") ? .json : name == "application/x-www-form-urlencoded" ? .form : nil
            guard let kind, let resolved = document.components[content] else { continue }
            if chosen == nil || (kind == .json && chosen?.type != .json) { chosen = (kind, resolved) }
        }
        guard let chosen else {
            let types = request.content.keys.map(\.rawValue).joined(separator: ", ")
            if request.required {
                notes.append("the request body is \(types), and only JSON and form bodies are supported")
                return .unusable
            }
            notes.append("the optional request body (\(types)) is left out: only JSON and form bodies are supported")
            return .none
        }
        let schema: Any = chosen.content.schema.map { schemas.json($0, into: &inputReach) } ?? [String: Any]()
        if let object = schemas.resolved(schema), Self.isPlainObject(object), let members = object["properties"] as? [String: Any], !members.isEmpty,
            members.keys.allSatisfy({ !taken.contains($0) })
        {
            let names = members.keys.sorted()
            let required = request.required ? ((object["required"] as? [String]) ?? []).filter { members[$0] != nil } : []
            return .some((.flattened(arguments: names, contentType: chosen.type), names.map { ($0, members[$0]!) }, required))
        }
        let argument = taken.contains("body") ? "request_body" : "body"
        var described = schema
        if let text = request.description, !text.isEmpty, var object = schema as? [String: Any], object["description"] == nil {
            object["description"] = text
            described = object
        }
        return .some((.whole(argument: argument, contentType: chosen.type, required: request.required), [(argument, described)], request.required ? [argument] : []))
    }

    /// An object schema whose every member is in `properties`: safe to spread into arguments.
    private static func isPlainObject(_ schema: [String: Any]) -> Bool {
        let type = schema["type"] as? String
        guard type == "object" || (type == nil && schema["properties"] != nil) else { return false }
        // Constraints on the object as a whole would be lost once its members are spread.
        for key in [
            "allOf", "oneOf", "anyOf", "not", "patternProperties", "if", "$ref", "minProperties", "maxProperties", "dependentRequired",
            "dependentSchemas", "propertyNames", "unevaluatedProperties", "discriminator",
        ] where schema[key] != nil {
            return false
        }
        if let extra = schema["additionalProperties"], (extra as? Bool) != false { return false }
        return true
    }

    // MARK: Output

    /// The first 2xx response with a JSON schema: an object is the structured result as it is,
    /// anything else is wrapped as `{"result": …}` (MCP's `outputSchema` is an object).
    private mutating func outputSchema() -> (schema: [String: Any]?, shape: OpenAPIResultShape) {
        guard options.outputSchemas else { return (nil, .undeclared) }
        for (status, either) in operation.responses {
            guard Self.isSuccess(status), let response = document.components[either] else { continue }
            for (type, content) in response.content {
                let name = type.typeAndSubtype.lowercased()
                guard name == "application/json" || name.hasSuffix("+json"), let content = document.components[content], let schema = content.schema else { continue }
                let json = schemas.json(schema, into: &outputReach)
                if let object = schemas.resolved(json), object["type"] as? String == "object" || (object["type"] == nil && object["properties"] != nil) {
                    var declared = (json as? [String: Any]) ?? [:]
                    declared["type"] = "object"
                    return (declared, .object)
                }
                return (["type": "object", "properties": ["result": json], "required": ["result"]], .wrapped)
            }
            return (nil, .undeclared)
        }
        return (nil, .undeclared)
    }

    private static func isSuccess(_ status: OpenAPI.Response.StatusCode) -> Bool {
        switch status.value {
        case .status(let code): (200..<300).contains(code)
        case .range(let range): range == .success
        case .default: false
        }
    }

    // MARK: Security

    /// The first alternative of the operation's (or the document's) security that the
    /// configured values satisfy. OAuth 2 and OpenID Connect schemes are satisfied by the
    /// server's `credentials`, mutual TLS by its `tls`, so they need no value here.
    private mutating func securityCredentials() -> [OpenAPICredential] {
        let requirements = operation.security ?? document.security
        guard !requirements.isEmpty else { return [] }
        var wanted: [String] = []
        for requirement in requirements {
            var credentials: [OpenAPICredential] = []
            var satisfied = true
            for (reference, _) in requirement {
                let name = reference.name ?? reference.absoluteString
                guard let scheme = document.components[reference] else {
                    satisfied = false
                    wanted.append(name)
                    continue
                }
                switch (scheme.type, options.secrets[name]) {
                case (.apiKey(let key, let location), .value(let value)?):
                    credentials.append(.init(location: OpenAPICredential.Location(rawValue: location.rawValue) ?? .header, name: key, value: value))
                case (.http(let kind, _), .value(let token)?) where kind.lowercased() == "bearer":
                    credentials.append(.init(location: .header, name: "Authorization", value: "Bearer " + token))
                case (.http(let kind, _), .basic(let user, let password)?) where kind.lowercased() == "basic":
                    let pair = Data("\(user):\(password)".utf8).base64EncodedString()
                    credentials.append(.init(location: .header, name: "Authorization", value: "Basic " + pair))
                case (.oauth2, _), (.openIdConnect, _), (.mutualTLS, _):
                    continue
                default:
                    satisfied = false
                    wanted.append(name)
                }
            }
            if satisfied { return credentials }
        }
        let names = Array(Set(wanted)).sorted()
        notes.append(
            "no configured value satisfies its security (\(names.joined(separator: ", "))): calls go without credentials; set servers.NAME.security.\(names.first ?? "SCHEME")"
        )
        return []
    }

    // MARK: Naming and text

    /// `operationId`, or the method and path; characters MCP does not allow become `_`, and a
    /// name already taken in this document gets `_2`, `_3`, ….
    private func uniqueName(_ taken: inout Set<String>) -> String {
        let base: String
        if let id = operation.operationId, !id.isEmpty {
            base = Self.cleaned(id)
        } else {
            let words = path.rawValue.split(separator: "/").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "{}")) }
            base = Self.cleaned(([method.lowercased()] + words).joined(separator: "_"))
        }
        var name = String(base.prefix(120))
        var suffix = 2
        while taken.contains(name) {
            name = "\(base.prefix(116))_\(suffix)"
            suffix += 1
        }
        taken.insert(name)
        return name
    }

    private static func cleaned(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.isASCII && (NameCharset.allows(UInt8($0.value)) || $0 == ".") ? Character($0) : "_" })
    }

    private var description: String {
        var parts: [String] = []
        if operation.deprecated { parts.append("Deprecated.") }
        if let summary = operation.summary, !summary.isEmpty { parts.append(summary) }
        if let text = operation.description, !text.isEmpty, text != operation.summary { parts.append(text) }
        if parts.isEmpty || (parts.count == 1 && operation.deprecated) { parts.append("\(method) \(path.rawValue)") }
        let text = parts.joined(separator: "\n\n")
        return text.count > 4096 ? String(text.prefix(4095)) + "…" : text
    }

}

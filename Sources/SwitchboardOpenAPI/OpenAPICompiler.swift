import Foundation
import OpenAPIKit
public import SwitchboardCore

/// Compiles an OpenAPI document into an `OpenAPIService`: one tool per selected operation, with
/// the plan for its requests. Runs when the config is loaded (or reloaded) and by `check`.
public enum OpenAPICompiler {
    public struct Options: Sendable {
        public var selection: OpenAPISelection
        public var secrets: [String: OpenAPISecret]
        /// Declare `outputSchema` from the 2xx response schema (`structured_output`).
        public var outputSchemas: Bool

        public init(selection: OpenAPISelection = .init(), secrets: [String: OpenAPISecret] = [:], outputSchemas: Bool = true) {
            self.selection = selection
            self.secrets = secrets
            self.outputSchemas = outputSchemas
        }
    }

    /// What the document gives besides its operations.
    public struct Compiled: Sendable {
        public var service: OpenAPIService
        /// The first `servers` entry as an absolute URL (variables at their defaults), if any.
        public var serverURL: String?
    }

    public static func compile(_ text: String, options: Options = .init()) throws(OpenAPIDocumentError) -> Compiled {
        let document = try OpenAPIDocumentReader.read(text)
        let schemas = OpenAPISchemaSet(document)
        var service = OpenAPIService(
            title: document.info.title, version: document.info.version, description: document.info.description.flatMap { $0.isEmpty ? nil : $0 }
        )
        var names = Set<String>()
        for (path, item) in document.paths {
            guard let pathItem = document.components[item] else {
                service.findings.append(.init(operation: path.rawValue, message: "the path item is a reference that cannot be resolved (references to other files are not followed)", skipped: true))
                continue
            }
            for endpoint in pathItem.endpoints {
                let operation = endpoint.operation
                let label = "\(endpoint.method.rawValue.uppercased()) \(path.rawValue)" + (operation.operationId.map { " (\($0))" } ?? "")
                guard options.selection.selects(tags: operation.tags ?? [], path: path.rawValue, operationID: operation.operationId) else {
                    service.unselected += 1
                    continue
                }
                var compiler = OpenAPIOperationCompiler(
                    document: document, schemas: schemas, path: path, pathItem: pathItem, method: endpoint.method.rawValue.uppercased(), operation: operation,
                    options: options
                )
                let compiled = compiler.compile(takenNames: &names)
                for note in compiler.notes {
                    service.findings.append(.init(operation: label, message: note, skipped: compiled == nil))
                }
                if let compiled { service.operations.append(compiled) }
            }
        }
        for name in options.secrets.keys.sorted() where !document.components.securitySchemes.keys.contains(where: { $0.rawValue == name }) {
            service.findings.append(.init(operation: "security", message: "\(name) is configured but the document has no such security scheme", skipped: false))
        }
        return Compiled(service: service, serverURL: serverURL(document))
    }

    /// `servers[0].url` with its variables at their defaults, when absolute.
    private static func serverURL(_ document: OpenAPI.Document) -> String? {
        guard let server = document.servers.first else { return nil }
        var url = server.urlTemplate.rawValue
        for (name, variable) in server.variables {
            url = url.replacingOccurrences(of: "{\(name)}", with: variable.default)
        }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { return nil }
        return url
    }
}

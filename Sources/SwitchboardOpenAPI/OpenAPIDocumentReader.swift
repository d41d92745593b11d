import Foundation
import OpenAPIKit
import OpenAPIKit30
import OpenAPIKitCompat
import Yams

/// Reads a document's text into OpenAPIKit's 3.1 model: 3.1 and 3.2 as they are, 3.0 through
/// OpenAPIKit's own conversion (`nullable` becomes a `null` type, and so on), so the compiler
/// has one model to read.
enum OpenAPIDocumentReader {
    static func read(_ text: String) throws(OpenAPIDocumentError) -> OpenAPIKit.OpenAPI.Document {
        let isJSON = text.first(where: { !$0.isWhitespace }) == "{"
        let version: String
        do {
            version = try declaredVersion(text, isJSON: isJSON)
        } catch let error as OpenAPIDocumentError {
            throw error
        } catch {
            throw OpenAPIDocumentError("not readable as \(isJSON ? "JSON" : "YAML"): \(Self.firstLine(of: error))")
        }
        do {
            if version.hasPrefix("3.0") {
                let document: OpenAPIKit30.OpenAPI.Document = try decode(text, isJSON: isJSON)
                return document.convert(to: .v3_1_1)
            }
            if version.hasPrefix("3.1") || version.hasPrefix("3.2") {
                return try decode(text, isJSON: isJSON)
            }
        } catch {
            throw OpenAPIDocumentError("not a valid OpenAPI \(version) document: \(Self.firstLine(of: OpenAPIKit.OpenAPI.Error(from: error).localizedDescription))")
        }
        throw OpenAPIDocumentError("OpenAPI \(version) is not supported: use a 3.0, 3.1 or 3.2 document")
    }

    private static func decode<T: Decodable>(_ text: String, isJSON: Bool) throws -> T {
        if isJSON { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) }
        return try YAMLDecoder().decode(T.self, from: text)
    }

    /// The `openapi` field, read before the whole document so the right model decodes it and
    /// a Swagger 2.0 file gets its own message.
    private static func declaredVersion(_ text: String, isJSON: Bool) throws -> String {
        let root: Any?
        if isJSON {
            root = try JSONSerialization.jsonObject(with: Data(text.utf8))
        } else {
            // The first level only matters; Yams reads the whole tree, which is cheap next to decoding.
            root = try Yams.load(yaml: text)
        }
        guard let mapping = root as? [String: Any] else {
            throw OpenAPIDocumentError("an OpenAPI document is a mapping with an \"openapi\" field at the top")
        }
        if mapping["swagger"] != nil {
            throw OpenAPIDocumentError("this is a Swagger 2.0 document; convert it to OpenAPI 3 (e.g. with swagger2openapi) first")
        }
        guard let version = mapping["openapi"] else {
            throw OpenAPIDocumentError("no \"openapi\" field: not an OpenAPI 3 document")
        }
        return "\(version)"
    }

    private static func firstLine(of error: any Error) -> String {
        firstLine(of: String(describing: error))
    }

    private static func firstLine(of text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }
}

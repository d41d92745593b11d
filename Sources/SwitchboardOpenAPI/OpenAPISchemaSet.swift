import Foundation
import OpenAPIKit
import SwitchboardCore

/// A document's schemas as JSON Schema for tool definitions. OpenAPIKit's model is written back
/// to JSON (3.1's dialect is JSON Schema 2020-12; 3.0 arrives converted), `#/components/schemas/X`
/// becomes `#/$defs/X`, and each tool carries the components it reaches, cycles included, in its
/// own `$defs`: a tool definition stands alone.
struct OpenAPISchemaSet {
    /// What one tool's schemas reached: components to copy into `$defs`, references not followed.
    struct Reach {
        var components: Set<String> = []
        var problems: [String] = []
    }

    /// Each component, rewritten, and the components it refers to.
    private var components: [String: (json: Any, refers: Set<String>)] = [:]
    /// Each component as JSON text, for `$defs`.
    private var componentTexts: [String: String] = [:]
    private static let componentPrefix = "#/components/schemas/"

    init(_ document: OpenAPI.Document) {
        for (key, schema) in document.components.schemas {
            var reach = Reach()
            let json = Self.rewritten(Self.encoded(schema), into: &reach)
            components[key.rawValue] = (json, reach.components)
            componentTexts[key.rawValue] = Self.text(json)
        }
    }

    /// A schema (or a reference to one) as JSON, references rewritten and recorded in `reach`.
    func json(_ schema: Either<OpenAPI.Reference<JSONSchema>, JSONSchema>, into reach: inout Reach) -> Any {
        Self.rewritten(Self.encoded(schema), into: &reach)
    }

    func json(_ schema: JSONSchema, into reach: inout Reach) -> Any {
        Self.rewritten(Self.encoded(schema), into: &reach)
    }

    /// `schema` as JSON text with `$defs` for the components it refers to, and everything those
    /// refer to in turn. Read from the finished schema, so a component whose properties were
    /// spread into arguments is not carried unless something still refers to it. Each
    /// component is written once per document, not once per tool that carries it: a large
    /// document's tools share most of their components.
    func withDefinitions(_ schema: [String: Any]) -> String {
        var done = Set<String>()
        var pending = Array(Self.references(in: schema))
        while let name = pending.popLast() {
            guard !done.contains(name), let component = components[name] else { continue }
            done.insert(name)
            pending.append(contentsOf: component.refers.filter { !done.contains($0) })
        }
        let text = Self.text(schema)
        guard !done.isEmpty, text.hasSuffix("}") else { return text }
        var definitions = #""$defs":{"#
        for (index, name) in done.sorted().enumerated() {
            if index > 0 { definitions += "," }
            definitions += JSONWriter.quoted(name) + ":" + (componentTexts[name] ?? "{}")
        }
        definitions += "}"
        return String(text.dropLast()) + (text == "{}" ? "" : ",") + definitions + "}"
    }

    /// Compact JSON, keys sorted: the same document always compiles to the same bytes.
    static func text(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The schema itself when `json` is a `$ref` to a component (one step; chains followed a
    /// few steps), else `json`.
    func resolved(_ json: Any) -> [String: Any]? {
        var current = json as? [String: Any]
        for _ in 0..<8 {
            guard let ref = current?["$ref"] as? String, ref.hasPrefix("#/$defs/") else { return current }
            current = components[String(ref.dropFirst("#/$defs/".count))]?.json as? [String: Any]
        }
        return current
    }

    private static func references(in json: Any) -> Set<String> {
        var found = Set<String>()
        func walk(_ json: Any) {
            if let object = json as? [String: Any] {
                if let ref = object["$ref"] as? String, ref.hasPrefix("#/$defs/") { found.insert(String(ref.dropFirst("#/$defs/".count))) }
                object.values.forEach(walk)
            } else if let array = json as? [Any] {
                array.forEach(walk)
            }
        }
        walk(json)
        return found
    }

    private static func encoded<T: Encodable>(_ value: T) -> Any {
        let encoder = JSONEncoder()
        guard let data = try? encoder.encode(value), let json = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            return [String: Any]()
        }
        return json
    }

    /// `$ref`s to components become `$defs` references; any other reference (another file, a
    /// pointer into a schema) cannot be carried and becomes `{}` (anything), recorded.
    private static func rewritten(_ json: Any, into reach: inout Reach) -> Any {
        if var object = json as? [String: Any] {
            if let ref = object["$ref"] as? String {
                if ref.hasPrefix(componentPrefix), case let name = String(ref.dropFirst(componentPrefix.count)), !name.contains("/") {
                    let decoded = name.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                    reach.components.insert(decoded)
                    object["$ref"] = "#/$defs/" + name
                } else {
                    reach.problems.append("the schema reference \(ref) is not followed (only #/components/schemas/NAME is)")
                    object["$ref"] = nil
                }
            }
            for (key, value) in object where key != "$ref" {
                object[key] = rewritten(value, into: &reach)
            }
            // OpenAPIKit writes some defaults out; they say nothing and cost a model's tokens.
            if object["minItems"] as? Int == 0 { object["minItems"] = nil }
            // …and `minProperties` equal to the number of required members, which they imply.
            if let least = object["minProperties"] as? Int, least == 0 || least == (object["required"] as? [Any])?.count { object["minProperties"] = nil }
            if object["uniqueItems"] as? Bool == false { object["uniqueItems"] = nil }
            return object
        }
        if let array = json as? [Any] {
            return array.map { rewritten($0, into: &reach) }
        }
        return json
    }
}

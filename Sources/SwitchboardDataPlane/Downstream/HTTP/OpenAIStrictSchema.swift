import NIOCore
import SwitchboardCore

/// An MCP input schema made acceptable to OpenAI's strict mode (`strict: true`, Structured
/// Outputs' subset of JSON Schema), or why it cannot be: every object lists all its properties
/// in `required` and says `additionalProperties: false`, a property that was optional may be
/// `null` instead (strict models send `null` for a parameter they leave out, which
/// `dropNulls` takes away again before the MCP call), and only supported keywords occur.
enum OpenAIStrictSchema {
    /// Keywords strict mode does not take.
    static let unsupported: Set<String> = [
        "allOf", "oneOf", "not", "if", "then", "else", "patternProperties", "dependentRequired", "dependentSchemas",
        "unevaluatedProperties", "unevaluatedItems", "propertyNames", "prefixItems", "contains", "minProperties", "maxProperties",
    ]
    /// OpenAI's limits: nesting and properties over the whole schema.
    static let maxDepth = 5
    static let maxProperties = 100

    struct Unconvertible: Error {
        let reason: String
    }

    /// The strict schema for `inputSchema` (nil: a tool without one takes no arguments).
    static func convert(_ inputSchema: JSONView?) -> Result<ByteBuffer, Unconvertible> {
        guard let schema = inputSchema else {
            return .success(ByteBuffer(string: #"{"type":"object","properties":{},"required":[],"additionalProperties":false}"#))
        }
        var w = JSONWriter()
        var properties = 0
        do {
            guard schema["type"]?.string == "object" else { throw Unconvertible(reason: "the input schema is not an object schema") }
            try write(schema, nullable: false, depth: 0, properties: &properties, into: &w)
        } catch let error as Unconvertible {
            return .failure(error)
        } catch {
            return .failure(Unconvertible(reason: "\(error)"))
        }
        return .success(w.buffer)
    }

    private static func write(_ schema: JSONView, nullable: Bool, depth: Int, properties: inout Int, into w: inout JSONWriter) throws {
        guard schema.isObject else { throw Unconvertible(reason: "a schema that is not an object (true/false schemas)") }
        guard depth <= maxDepth else { throw Unconvertible(reason: "nested deeper than \(maxDepth) levels") }
        if let keyword = schema.members.first(where: { unsupported.contains($0.key) })?.key {
            throw Unconvertible(reason: "uses \(keyword), which strict mode does not support")
        }
        let type = schema["type"]
        // A schema without a type cannot take "null" in its type: it is offered as anyOf.
        if nullable, type?.string == nil, !(type?.isArray ?? false) {
            w.beginObject()
            w.key("anyOf")
            w.beginArray()
            try write(schema, nullable: false, depth: depth, properties: &properties, into: &w)
            w.raw(#"{"type":"null"}"#)
            w.endArray()
            w.endObject()
            return
        }
        let isObject = type?.string == "object" || schema["properties"] != nil
        w.beginObject()
        for (key, value) in schema.members {
            switch key {
            case "type":
                if nullable, let name = value.string {
                    w.key("type")
                    w.raw("[" + JSONWriter.quoted(name) + #","null"]"#)
                } else if nullable, value.isArray {
                    let names = value.elements.compactMap(\.string)
                    w.key("type")
                    w.raw("[" + (names.contains("null") ? names : names + ["null"]).map(JSONWriter.quoted).joined(separator: ",") + "]")
                } else {
                    w.field("type", raw: value.bytes)
                }
            case "properties", "required", "additionalProperties":
                break  // written below for an object
            case "items":
                w.key("items")
                try write(value, nullable: false, depth: depth + 1, properties: &properties, into: &w)
            case "anyOf":
                w.key("anyOf")
                w.beginArray()
                for branch in value.elements { try write(branch, nullable: false, depth: depth + 1, properties: &properties, into: &w) }
                w.endArray()
            case "$defs", "definitions":
                w.key(key)
                w.beginObject()
                for (name, definition) in value.members {
                    w.key(name)
                    try write(definition, nullable: false, depth: depth + 1, properties: &properties, into: &w)
                }
                w.endObject()
            case "default":
                break  // strict mode rejects `default`; the tool applies its own
            default:
                w.field(key, raw: value.bytes)
            }
        }
        if isObject {
            if let extra = schema["additionalProperties"], !(extra.rawText == "false") {
                throw Unconvertible(reason: "additionalProperties allows keys the schema does not name")
            }
            let required = Set(schema["required"]?.elements.compactMap(\.string) ?? [])
            let members = schema["properties"]?.members ?? []
            properties += members.count
            guard properties <= maxProperties else { throw Unconvertible(reason: "more than \(maxProperties) properties") }
            w.key("properties")
            w.beginObject()
            for (name, property) in members {
                w.key(name)
                try write(property, nullable: !required.contains(name), depth: depth + 1, properties: &properties, into: &w)
            }
            w.endObject()
            w.key("required")
            w.beginArray()
            for (name, _) in members { w.string(name) }
            w.endArray()
            w.field("additionalProperties", false)
        }
        w.endObject()
    }

    /// `arguments` without the members a strict model set to `null` (its way of leaving out an
    /// optional parameter), at any depth of objects.
    static func dropNulls(_ arguments: JSONView) -> ByteBuffer {
        var w = JSONWriter()
        write(arguments, into: &w)
        return w.buffer
    }

    private static func write(_ value: JSONView, into w: inout JSONWriter) {
        if value.isObject {
            w.beginObject()
            for (key, member) in value.members where !member.isNull {
                w.key(key)
                write(member, into: &w)
            }
            w.endObject()
        } else if value.isArray {
            w.beginArray()
            for element in value.elements { write(element, into: &w) }
            w.endArray()
        } else {
            w.raw(value.bytes)
        }
    }
}

import SwitchboardCore

/// Every string of a definition that reaches a model: a tool's name, title, description,
/// annotations and every string of its input and output schemas (property names,
/// descriptions, titles, defaults, enums, examples, and any other string a schema holds, since
/// clients hand the whole schema over); a prompt's and a resource's name, title, description
/// and a prompt's arguments.
enum ModelVisibleText {
    /// At most this many strings are read from one definition; a schema with more is a finding.
    static let maximumFields = 5_000

    static func fields(of definition: JSONView) -> [GuardField] {
        var out: [GuardField] = []
        definition.forEachMember { key, value in
            let name = key.decoded()
            switch name {
            case "name": add(&out, .name, "name", value)
            case "title": add(&out, .title, "title", value)
            case "description": add(&out, .description, "description", value)
            case "inputSchema", "outputSchema": schema(&out, value, path: name)
            case "annotations": strings(&out, .annotation, value, path: "annotations")
            case "arguments": arguments(&out, value)
            default: break
            }
            return out.count < maximumFields
        }
        return out
    }

    private static func add(_ out: inout [GuardField], _ kind: GuardField.Kind, _ path: String, _ value: JSONView) {
        if let text = value.string, !text.isEmpty { out.append(GuardField(kind: kind, path: path, text: text)) }
    }

    /// A prompt's arguments: name, title and description of each.
    private static func arguments(_ out: inout [GuardField], _ value: JSONView) {
        for (i, argument) in value.elements.enumerated() {
            let name = argument["name"]?.string ?? String(i)
            add(&out, .propertyName, "arguments.\(name)", argument["name"] ?? value)
            argument["title"].map { add(&out, .schemaText, "arguments.\(name).title", $0) }
            argument["description"].map { add(&out, .schemaText, "arguments.\(name).description", $0) }
        }
    }

    /// A JSON Schema, walked: property names, text keywords, values, nested schemas.
    private static func schema(_ out: inout [GuardField], _ value: JSONView, path: String) {
        guard out.count < maximumFields else { return }
        if value.isArray {
            for (i, element) in value.elements.enumerated() { schema(&out, element, path: "\(path)[\(i)]") }
            return
        }
        value.forEachMember { key, member in
            let name = key.decoded()
            let here = path + "." + name
            switch name {
            case "properties", "patternProperties", "$defs", "definitions", "dependentSchemas":
                for (property, schemaValue) in member.members {
                    out.append(GuardField(kind: .propertyName, path: here + "." + property, text: Self.spaced(property)))
                    // At the description's path when there is one: the description alone finds
                    // nothing its context would not, so their findings are one.
                    if let context = Self.context(property, schemaValue) {
                        let path = here + "." + property + (schemaValue["description"] == nil ? "" : ".description")
                        out.append(GuardField(kind: .schemaText, path: path, text: context))
                    }
                    schema(&out, schemaValue, path: here + "." + property)
                }
            case "description", "title", "$comment":
                add(&out, .schemaText, here, member)
            case "default", "const", "enum", "examples", "example":
                strings(&out, .schemaValue, member, path: here)
            case "required":
                break
            default:
                if member.isString {
                    add(&out, .schemaText, here, member)
                } else if member.isObject || member.isArray {
                    schema(&out, member, path: here)
                }
            }
            return out.count < maximumFields
        }
    }

    /// A property read as a model reads it, its name, description and values together
    /// (`bcc: Always include archive@… on every email`, a description saying "read this file"
    /// beside an `enum` naming the file); nil when it has no description and no values.
    private static func context(_ name: String, _ schema: JSONView) -> String? {
        guard schema.isObject else { return nil }
        let description = schema["description"]?.string
        var values: [String] = []
        for key in ["default", "const", "enum", "examples", "example"] {
            guard let value = schema[key] else { continue }
            if let text = value.string { values.append(text) }
            for element in value.elements { if let text = element.string { values.append(text) } }
        }
        guard description != nil || !values.isEmpty else { return nil }
        // Values first: a sentence of the description may end before them otherwise.
        let named = values.isEmpty ? spaced(name) : spaced(name) + " (values: " + values.joined(separator: ", ") + ")"
        return named + ": " + (description ?? "")
    }

    /// Every string inside `value` (keys of objects too), as `kind`.
    private static func strings(_ out: inout [GuardField], _ kind: GuardField.Kind, _ value: JSONView, path: String) {
        guard out.count < maximumFields else { return }
        if value.isString {
            add(&out, kind, path, value)
        } else if value.isArray {
            for (i, element) in value.elements.enumerated() { strings(&out, kind, element, path: "\(path)[\(i)]") }
        } else if value.isObject {
            for (key, member) in value.members {
                out.append(GuardField(kind: kind, path: path + "." + key, text: key))
                strings(&out, kind, member, path: path + "." + key)
            }
        }
    }

    /// A property name with its words apart (`conversationHistory` → `conversation History`), so
    /// word rules read names written in camel case; `_` and `-` split words already.
    static func spaced(_ name: String) -> String {
        var out = ""
        var previous: Character?
        for c in name {
            if let p = previous, p.isLowercase, c.isUppercase { out.append(" ") }
            out.append(c)
            previous = c
        }
        return out
    }
}

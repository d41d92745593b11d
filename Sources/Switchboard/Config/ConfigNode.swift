import Yams

/// One YAML node together with where it sits: its dotted key path and the line of the key that
/// named it. Every error about a value is made here, so every error carries file, line and path.
struct ConfigNode {
    let node: Node
    let keyPath: String
    /// Line of the key that led here; used for "missing" and "unknown" problems, and for null
    /// values, which have no text of their own to point at.
    let keyLine: Int?
    let source: ConfigSource

    /// The line of the value itself when it has one, else its key's line.
    var line: Int? { node.mark?.line ?? keyLine }

    /// `key:` with nothing after it, `~` or `null`. Treated as "not set" for sections and lists.
    var isNull: Bool {
        guard case .scalar = node else { return false }
        // `Tag.name` is internal to Yams; the raw value is the same string.
        return node.tag.rawValue == Tag.Name.null.rawValue
    }

    /// A single value (including nothing), as opposed to a mapping or list.
    var isScalar: Bool {
        if case .scalar = node { return true }
        return false
    }

    /// What the node is, for "expected X, got Y" when the YAML type is wrong. Never the value.
    var kindDescription: String {
        if isNull { return "nothing" }
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar, .alias: return "a single value"
        }
    }

    func child(_ key: String, node: Node, keyLine: Int?) -> ConfigNode {
        ConfigNode(node: node, keyPath: keyPath.isEmpty ? key : keyPath + "." + key, keyLine: keyLine, source: source)
    }

    func error(_ message: String, code: ConfigError.Code = .invalidValue, atKey: Bool = false) -> ConfigError {
        ConfigError(
            code: code, file: source.file, line: atKey ? (keyLine ?? line) : line,
            keyPath: keyPath.isEmpty ? nil : keyPath, message: message
        )
    }

    /// The elements of a list; nothing counts as an empty list.
    func sequence() throws(ConfigError) -> [ConfigNode] {
        if isNull { return [] }
        guard case .sequence(let elements) = node else {
            throw error("expected a list, got \(kindDescription)")
        }
        return elements.enumerated().map { index, element in
            ConfigNode(node: element, keyPath: "\(keyPath)[\(index)]", keyLine: element.mark?.line ?? line, source: source)
        }
    }

    /// The value of a scalar after `${…}` substitution.
    func scalar() throws(ConfigError) -> ConfigScalar {
        guard case .scalar(let scalar) = node, !isNull else {
            throw error("expected a value, got \(kindDescription)")
        }
        let expansion: EnvironmentSubstitution.Expansion
        do throws(EnvironmentSubstitution.Problem) {
            expansion = try source.substitution.expand(scalar.string)
        } catch {
            switch error {
            case .unset(let name):
                throw self.error(
                    "${\(name)} is not set; set it in the environment or give a default with ${\(name):-DEFAULT}",
                    code: .undefinedVariable
                )
            case .malformed:
                throw self.error(
                    "malformed ${…} reference: write ${NAME} or ${NAME:-default}, and $${ for a literal ${",
                    code: .undefinedVariable
                )
            }
        }
        return ConfigScalar(text: expansion.text, variables: expansion.variables, node: self)
    }
}

import Yams

/// The entries of one YAML mapping in file order, with string keys checked for duplicates and
/// YAML merge keys (`<<: *defaults`) applied, so that operators can share `timeouts` or
/// `headers` between servers with anchors.
struct ConfigMapping {
    struct Entry {
        let key: String
        let value: ConfigNode
        /// Came in through `<<`; an explicit key of the same name replaces it without complaint.
        fileprivate(set) var merged: Bool
    }

    let node: ConfigNode
    private(set) var entries: [Entry] = []

    var keys: [String] { entries.map(\.key) }

    subscript(key: String) -> ConfigNode? {
        entries.first { $0.key == key }?.value
    }

    /// Reads `node` as a mapping; nothing (`key:` alone) counts as an empty mapping.
    init(_ node: ConfigNode) throws(ConfigError) {
        self.node = node
        if node.isNull { return }
        guard case .mapping(let mapping) = node.node else {
            throw node.error("expected a mapping of keys to values, got \(node.kindDescription)")
        }
        for (keyNode, valueNode) in mapping {
            let keyLine = keyNode.mark?.line ?? node.line
            if keyNode.tag.rawValue == Tag.Name.merge.rawValue {
                try merge(valueNode, keyLine: keyLine)
                continue
            }
            guard case .scalar(let keyScalar) = keyNode else {
                throw ConfigError(
                    code: .invalidValue, file: node.source.file, line: keyLine, keyPath: node.keyPath.isEmpty ? nil : node.keyPath,
                    message: "keys must be plain strings, got \(ConfigNode(node: keyNode, keyPath: "", keyLine: nil, source: node.source).kindDescription)"
                )
            }
            let key = keyScalar.string
            let entry = Entry(key: key, value: node.child(key, node: valueNode, keyLine: keyLine), merged: false)
            if let index = entries.firstIndex(where: { $0.key == key }) {
                guard entries[index].merged else {
                    throw entry.value.error(
                        "duplicate key; it is already set on line \(entries[index].value.keyLine ?? 0)",
                        code: .duplicateKey, atKey: true
                    )
                }
                entries[index] = entry
            } else {
                entries.append(entry)
            }
        }
    }

    /// `<<: *anchor` or `<<: [*a, *b]`: keys not already present are added; per YAML, earlier
    /// sources win over later ones and explicit keys win over all.
    private mutating func merge(_ source: Node, keyLine: Int?) throws(ConfigError) {
        let sources: [Node]
        switch source {
        case .mapping: sources = [source]
        case .sequence(let sequence): sources = Array(sequence)
        default: sources = []
        }
        for mergedNode in sources {
            let wrapper = ConfigNode(node: mergedNode, keyPath: node.keyPath, keyLine: keyLine, source: node.source)
            guard case .mapping = mergedNode else {
                throw wrapper.error("<< merges a mapping or a list of mappings, got \(wrapper.kindDescription)", atKey: true)
            }
            for var entry in try ConfigMapping(wrapper).entries where !entries.contains(where: { $0.key == entry.key }) {
                entry.merged = true
                entries.append(entry)
            }
        }
        if sources.isEmpty {
            let wrapper = ConfigNode(node: source, keyPath: node.keyPath, keyLine: keyLine, source: node.source)
            throw wrapper.error("<< merges a mapping or a list of mappings, got \(wrapper.kindDescription)", atKey: true)
        }
    }

    /// Every key must be one of `allowed`. `hint` may explain a known mistake better than the
    /// edit-distance suggestion can (e.g. `command` written outside `stdio`).
    func rejectUnknownKeys(allowed: [String], hint: (String) -> String? = { _ in nil }) throws(ConfigError) {
        for entry in entries where !allowed.contains(entry.key) {
            var message = "unknown key"
            if let hint = hint(entry.key) {
                message += "; " + hint
            } else if let suggestion = KeySuggestion.closest(to: entry.key, among: allowed) {
                message += ", did you mean \"\(suggestion)\"?"
            } else {
                message += "; expected one of " + allowed.joined(separator: ", ")
            }
            throw entry.value.error(message, code: .unknownKey, atKey: true)
        }
    }
}

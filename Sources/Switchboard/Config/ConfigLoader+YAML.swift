import Yams

/// Turning text into a node tree, and Yams' errors into `ConfigError`s. Yams' own descriptions
/// quote the surrounding text (for duplicate keys, the whole file), which may hold secrets, so
/// only the problem and its position are kept.
extension ConfigLoader {
    static func compose(_ yaml: String, source: ConfigSource) throws(ConfigError) -> ConfigNode? {
        do {
            guard let node = try Yams.compose(yaml: yaml) else { return nil }
            return ConfigNode(node: node, keyPath: "", keyLine: nil, source: source)
        } catch let error as YamlError {
            throw translate(error, yaml: yaml, file: source.file)
        } catch {
            throw ConfigError(code: .syntax, file: source.file, message: "invalid YAML")
        }
    }

    private static func translate(_ error: YamlError, yaml: String, file: String) -> ConfigError {
        func syntax(_ line: Int?, _ message: String) -> ConfigError {
            ConfigError(code: .syntax, file: file, line: line, message: message)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            if let context, context.text.hasPrefix("expected a single document") {
                return syntax(mark.line, "a config file holds one YAML document, but a second one starts here")
            }
            let detail = context.map { " (\($0.text) on line \($0.mark.line))" } ?? ""
            let lines = [mark.line, context?.mark.line].compactMap { $0 }
            return syntax(mark.line, "invalid YAML: \(problem)\(detail)" + bracketHint(yaml, lines: lines))
        case .reader(let problem, let offset, _, _):
            let line = offset.map { offset in 1 + yaml.prefix(offset).filter { $0 == "\n" }.count }
            return syntax(line, "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.first ?? ""
            if let found = DuplicateKeyLocator.locate(key: key, firstMark: context.mark, in: yaml) {
                return ConfigError(
                    code: .duplicateKey, file: file, line: found.line, keyPath: found.keyPath,
                    message: "duplicate key; it is already set on line \(found.firstLine)"
                )
            }
            return ConfigError(
                code: .duplicateKey, file: file, line: context.mark.line, message: "duplicate key \"\(key)\""
            )
        default:
            return syntax(nil, "invalid YAML")
        }
    }

    /// `listen: [::1]:8080` is the natural way to write an IPv6 address and is invalid YAML
    /// (the `[` opens a list), so when a broken line looks like that, say how to fix it.
    private static func bracketHint(_ yaml: String, lines: [Int]) -> String {
        let text = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines where text.indices.contains(line - 1) {
            let content = text[line - 1]
            if let open = content.firstRange(of: ": ["), content[open.upperBound...].contains("]:") {
                return "; quote a value that starts with [, as in listen: \"[::1]:8080\""
            }
        }
        return ""
    }
}

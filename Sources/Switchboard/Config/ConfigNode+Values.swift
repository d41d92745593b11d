/// Typed readers for scalar values. Each reads the text after `${…}` substitution, so a value
/// may come from the environment whatever its type (`port: ${PORT}`), and YAML's own typing is
/// ignored: `"30"` and `30` are the same number, `yes` is not a boolean.
extension ConfigNode {
    func string(allowEmpty: Bool = false) throws(ConfigError) -> String {
        let scalar = try scalar()
        if !allowEmpty, scalar.text.isEmpty {
            throw scalar.error("expected a non-empty string", quotesValue: !scalar.variables.isEmpty)
        }
        return scalar.text
    }

    func bool() throws(ConfigError) -> Bool {
        let scalar = try scalar()
        switch scalar.text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: throw scalar.error("expected true or false")
        }
    }

    /// A whole number of at least 1.
    func positiveInt() throws(ConfigError) -> Int {
        let scalar = try scalar()
        guard let value = Int(scalar.text), scalar.text.first != "+" else {
            throw scalar.error("expected a whole number of at least 1")
        }
        guard value >= 1 else { throw scalar.error("must be at least 1") }
        return value
    }

    /// A byte size of at least 1 byte.
    func byteSize() throws(ConfigError) -> Int {
        let scalar = try scalar()
        guard let value = ByteSizeSyntax.parse(scalar.text) else {
            throw scalar.error("expected \(ByteSizeSyntax.expectation)")
        }
        guard value >= 1 else { throw scalar.error("must be at least 1 byte") }
        return value
    }

    /// A duration above zero; zero timeouts and intervals are always a mistake.
    func positiveDuration() throws(ConfigError) -> Duration {
        let scalar = try scalar()
        guard let value = DurationSyntax.parse(scalar.text) else {
            throw scalar.error("expected \(DurationSyntax.expectation)")
        }
        guard value > .zero else { throw scalar.error("must be longer than zero") }
        return value
    }

    /// A value with its own syntax (listen address, URL).
    func parsed<Value>(_ parse: (String) throws(ValueProblem) -> Value) throws(ConfigError) -> Value {
        let scalar = try scalar()
        do throws(ValueProblem) {
            return try parse(scalar.text)
        } catch {
            throw scalar.error(error)
        }
    }
}

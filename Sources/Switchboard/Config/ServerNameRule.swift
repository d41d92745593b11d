/// Server names become the prefix of federated names (`crm__search`), so they may not contain
/// `__` themselves: the first double underscore must always be the separator.
enum ServerNameRule {
    /// The rule as a regular expression; `docs/config.schema.json` uses the same pattern, and
    /// a test checks that the two agree.
    static let pattern = "^[A-Za-z0-9][A-Za-z0-9-]*(_[A-Za-z0-9-]+)*$"
    /// Leaves room for a tool name within the 128 characters MCP allows for a federated name.
    static let maxLength = 64

    /// Nil when `name` is valid, otherwise what is wrong with it.
    static func problem(with name: String) -> String? {
        if name.isEmpty { return "a server name cannot be empty" }
        if name.count > maxLength { return "a server name has at most \(maxLength) characters, this one has \(name.count)" }
        let scalars = Array(name.unicodeScalars)
        guard scalars.allSatisfy({ isAlphanumeric($0) || $0 == "-" || $0 == "_" }) else {
            return "a server name uses only letters, digits, \"-\" and \"_\""
        }
        if scalars[0] == "-" || scalars[0] == "_" { return "a server name starts with a letter or digit" }
        if name.contains("__") {
            return "a server name cannot contain \"__\", which separates server and tool in federated names"
        }
        if scalars.last == "_" { return "a server name cannot end with \"_\"" }
        return nil
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}

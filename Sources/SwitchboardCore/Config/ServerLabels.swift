/// `servers.NAME.labels`: who owns a server, where it runs, how risky its tools are. Free-form
/// keys and values like Kubernetes labels, with three the gateway knows: `owner`,
/// `environment`, and `risk` (one of `risk` levels). Shown by `check`, the console and the admin
/// API, written to every audit record about the server, and matched by policy rules and quota
/// limits (`server_labels`). They come from the config, never from the server: trusted enough
/// to put in an approval prompt.
public enum ServerLabels {
    public static let owner = "owner"
    public static let environment = "environment"
    public static let risk = "risk"
    public static let riskLevels = ["low", "medium", "high", "critical"]

    /// Why `key` cannot be a label's name, or nil: lowercase letters, digits, `.`, `_`, `-`,
    /// starting with a letter, at most 63 characters.
    public static func problem(withKey key: String) -> String? {
        guard let first = key.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else {
            return "a label's name starts with a lowercase letter"
        }
        guard key.utf8.count <= 63 else { return "a label's name has at most 63 characters" }
        let allowed = key.utf8.allSatisfy { b in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
                || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
        }
        return allowed ? nil : "a label's name uses only lowercase letters, digits, \".\", \"_\" and \"-\""
    }

    /// Why `value` cannot be the value of label `key`, or nil: printable text of at most 128
    /// characters; `risk` is one of `riskLevels`.
    public static func problem(withValue value: String, key: String) -> String? {
        if key == risk, !riskLevels.contains(value) {
            return "risk is one of " + riskLevels.joined(separator: ", ")
        }
        guard value.unicodeScalars.count <= 128 else { return "a label's value has at most 128 characters" }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return "a label's value has no control characters"
        }
        return nil
    }

    /// Whether `labels` (a server's) has, for every key of `condition`, one of its values.
    public static func match(_ labels: [String: String], _ condition: [String: [String]]) -> Bool {
        condition.allSatisfy { key, values in labels[key].map(values.contains) ?? false }
    }

    /// `{environment: prod, owner: payments}`: sorted by key, for `check` and explanations.
    public static func text(_ labels: [String: String]) -> String {
        text(labels.mapValues { [$0] })
    }

    /// `{environment: prod, risk: [high, critical]}`: a `server_labels` condition.
    public static func text(_ condition: [String: [String]]) -> String {
        "{" + condition.sorted { $0.key < $1.key }.map { "\($0.key): " + ($0.value.count == 1 ? $0.value[0] : "[" + $0.value.joined(separator: ", ") + "]") }
            .joined(separator: ", ") + "}"
    }
}

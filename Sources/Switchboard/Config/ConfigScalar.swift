/// A scalar's text after `${…}` substitution, remembering which variables went into it so that
/// errors can name them instead of showing what may be a secret.
struct ConfigScalar {
    let text: String
    let variables: [String]
    let node: ConfigNode

    /// `"ftp://x"` for text written in the file; `the value of ${CRM_URL}` for substituted text.
    var quoted: String {
        switch variables.count {
        case 0: return Self.quote(text)
        case 1: return "the value of ${\(variables[0])}"
        default: return "the value built from " + variables.map { "${\($0)}" }.joined(separator: ", ")
        }
    }

    func error(_ problem: ValueProblem) -> ConfigError {
        node.error(problem.quotesValue ? "\(problem.message), got \(quoted)" : problem.message, code: problem.code)
    }

    func error(_ message: String, quotesValue: Bool = true) -> ConfigError {
        error(ValueProblem(message, quotesValue: quotesValue))
    }

    /// Double-quoted with escapes, and cut short so that a pasted blob does not flood the terminal.
    static func quote(_ text: String) -> String {
        let limit = 80
        var body = ""
        for scalar in text.unicodeScalars.prefix(limit) {
            switch scalar {
            case "\"": body += "\\\""
            case "\\": body += "\\\\"
            case "\n": body += "\\n"
            case "\r": body += "\\r"
            case "\t": body += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                body += "\\u{\(String(scalar.value, radix: 16))}"
            default: body.unicodeScalars.append(scalar)
            }
        }
        return "\"" + body + (text.unicodeScalars.count > limit ? "…" : "") + "\""
    }
}

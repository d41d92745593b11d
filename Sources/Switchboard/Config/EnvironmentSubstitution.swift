/// Expands `${NAME}` and `${NAME:-default}` in one scalar value.
///
/// Substitution runs on values after YAML parsing, never on the raw text, so a variable holding
/// `:`, `#` or a newline cannot change the file's structure. Expanded text is not scanned
/// again, so a value containing `${…}` stays literal. `$${` writes a literal `${`.
struct EnvironmentSubstitution {
    /// The result of expanding one value. `variables` lists every name referenced, so that
    /// error messages can point at the variable instead of echoing a possibly secret value.
    struct Expansion: Equatable {
        var text: String
        var variables: [String]
    }

    enum Problem: Error, Equatable {
        /// `${NAME}` with no default, and `NAME` is unset.
        case unset(name: String)
        /// `${` not followed by `NAME}` or `NAME:-default}`.
        case malformed
    }

    let environment: [String: String]

    func expand(_ text: String) throws(Problem) -> Expansion {
        // Fast path: most values hold no reference at all.
        guard text.contains("${") else { return Expansion(text: text, variables: []) }

        var output = ""
        var variables: [String] = []
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            output += rest[..<dollar]
            let afterDollar = rest[rest.index(after: dollar)...]
            if afterDollar.hasPrefix("${") {
                // `$${` is the escape for a literal `${`.
                output += "${"
                rest = afterDollar.dropFirst(2)
                continue
            }
            guard afterDollar.hasPrefix("{") else {
                // A lone `$` (e.g. in a password) is just a character.
                output += "$"
                rest = afterDollar
                continue
            }
            let body = afterDollar.dropFirst()
            guard let close = body.firstIndex(of: "}") else { throw .malformed }
            let reference = body[..<close]
            let name: Substring
            let fallback: Substring?
            if let separator = reference.firstRange(of: ":-") {
                name = reference[..<separator.lowerBound]
                fallback = reference[separator.upperBound...]
            } else {
                name = reference
                fallback = nil
            }
            guard Self.isVariableName(name) else { throw .malformed }
            variables.append(String(name))
            // Like the shell's `:-`: the default also replaces a variable that is set but empty.
            if let value = environment[String(name)], !(value.isEmpty && fallback != nil) {
                output += value
            } else if let fallback {
                output += fallback
            } else {
                throw .unset(name: String(name))
            }
            rest = body[body.index(after: close)...]
        }
        output += rest
        return Expansion(text: output, variables: variables)
    }

    static func isVariableName(_ name: Substring) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.isASCIILetter else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0.isASCIILetter || $0.isASCIIDigit }
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

/// What a key's name, roles, tenant and virtual servers may look like. Shared by the store
/// (which enforces it) and the CLI (which reports it before opening the store).
package enum APIKeyRules {
    package static let maxNameLength = 64
    package static let maxLabelLength = 128

    /// Nil when `name` is a valid key name (`[A-Za-z0-9._-]{1,64}`), else what is wrong.
    package static func problem(withName name: String) -> String? {
        if name.isEmpty { return "a key name cannot be empty" }
        if name.utf8.count > maxNameLength {
            return "a key name has at most \(maxNameLength) characters, this one has \(name.count)"
        }
        guard name.utf8.allSatisfy({ isNameCharacter($0) }) else {
            return "a key name uses only letters, digits, \".\", \"_\" and \"-\""
        }
        return nil
    }

    /// Nil when `label` is a valid role, tenant or virtual server name, else what is wrong.
    /// `what` names the field in the message ("role", "tenant", "virtual server").
    package static func problem(withLabel label: String, what: String) -> String? {
        if label.isEmpty { return "a \(what) cannot be empty" }
        if label.utf8.count > maxLabelLength {
            return "a \(what) has at most \(maxLabelLength) characters, this one has \(label.count)"
        }
        guard label.utf8.allSatisfy({ isNameCharacter($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "@") }) else {
            return "a \(what) uses only letters, digits, \".\", \"_\", \"-\", \":\" and \"@\""
        }
        return nil
    }

    private static func isNameCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}

import SwitchboardCore

/// The derived policy version: FNV-1a (64 bit) over a canonical rendering of the default and
/// the rules, so the same rules give the same version on every replica and across restarts, and
/// any change to what decides gives a new one. Descriptions and `denied_calls` are left out:
/// they do not change decisions. Not a security digest; it labels, it does not protect.
enum PolicyFingerprint {
    /// `serverLabels` count where a rule matches on them: relabelling a server can change
    /// what a rule decides, so it changes the version.
    static func version(of config: PolicyConfig, serverLabels: [String: [String: String]] = [:]) -> String {
        var hasher = FNV1a()
        hasher.field("default", config.defaultEffect.rawValue)
        for rule in config.rules {
            hasher.field("rule", rule.id)
            hasher.field("effect", rule.effect.rawValue)
            hasher.list("principals", rule.match.principals)
            hasher.list("roles", rule.match.roles)
            hasher.list("tenants", rule.match.tenants)
            hasher.list("virtual_servers", rule.match.virtualServers)
            hasher.list("servers", rule.match.servers)
            hasher.list("tools", rule.match.tools)
            if let terms = rule.approval {
                hasher.field("approvers", String(terms.approvers))
                hasher.field("via", terms.via.rawValue)
            }
            if let condition = rule.match.serverLabels {
                hasher.field("server_labels", ServerLabels.text(condition))
                hasher.list("labelled", serverLabels.filter { ServerLabels.match($0.value, condition) }.keys.sorted())
            }
            hasher.flag("readOnlyHint", rule.annotations.readOnlyHint)
            hasher.flag("destructiveHint", rule.annotations.destructiveHint)
            hasher.flag("idempotentHint", rule.annotations.idempotentHint)
            hasher.flag("openWorldHint", rule.annotations.openWorldHint)
            for predicate in rule.arguments {
                hasher.field("pointer", predicate.pointer)
                switch predicate.test {
                case .regex(let source): hasher.field("regex", source)
                case .range(let min, let max):
                    hasher.field("min", min.map { String($0) } ?? "-")
                    hasher.field("max", max.map { String($0) } ?? "-")
                case .equals(let value): hasher.field("equals", render(value))
                case .oneOf(let values): hasher.list("one_of", values.map(render))
                case .maxLength(let length): hasher.field("max_length", String(length))
                }
            }
        }
        let digest = hasher.value
        let hex = String(digest, radix: 16)
        return "fnv:" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Tagged, so that the string "1" and the number 1 differ.
    private static func render(_ value: ArgumentPredicateConfig.Value) -> String {
        switch value {
        case .string(let text): "s" + text
        case .number(let number): "n" + String(number)
        case .bool(let flag): flag ? "btrue" : "bfalse"
        case .null: "null"
        }
    }
}

/// Length-prefixed fields keep the rendering unambiguous: `["a,b"]` and `["a", "b"]` differ.
private struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func bytes(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01B3
        }
    }

    mutating func field(_ name: String, _ text: String) {
        bytes(name)
        bytes(":\(text.utf8.count):")
        bytes(text)
    }

    mutating func list(_ name: String, _ values: [String]?) {
        guard let values else { return }
        bytes("\(name)#\(values.count)")
        for value in values { field("", value) }
    }

    mutating func flag(_ name: String, _ value: Bool?) {
        guard let value else { return }
        field(name, value ? "true" : "false")
    }
}

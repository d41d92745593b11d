import SwitchboardCore
import SwitchboardPolicy

/// `policy`: rules in file order, each checked here as far as the engine would check it, so
/// that every mistake is reported with its line and key rather than when the gateway compiles
/// the policy.
extension ConfigLoader {
    static func decodePolicy(_ node: ConfigNode) throws(ConfigError) -> PolicyConfig {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: policyKeys)
        var policy = PolicyConfig()
        if let value = section["default"] {
            policy.defaultEffect = try value.keyword([PolicyEffect.allow, .deny])
        }
        if let value = section["version"] { policy.version = try value.string() }
        if let value = section["denied_calls"] { policy.deniedCalls = try value.keyword(PolicyConfig.DeniedCalls.allCases) }
        if let rules = section["rules"] {
            var lines: [String: Int] = [:]
            for element in try rules.sequence() {
                let rule = try decodePolicyRule(element)
                if let earlier = lines[rule.id] {
                    let idNode = (try? ConfigMapping(element))?["id"] ?? element
                    throw idNode.error("duplicate rule id; \"\(rule.id)\" is already used on line \(earlier)", code: .duplicateKey)
                }
                lines[rule.id] = element.line ?? 0
                policy.rules.append(rule)
            }
        }
        return policy
    }

    static func decodePolicyRule(_ node: ConfigNode) throws(ConfigError) -> PolicyRuleConfig {
        let rule = try ConfigMapping(node)
        try rule.rejectUnknownKeys(allowed: policyRuleKeys)
        let id = try decodeRuleID(rule, node, what: "rule")
        guard let effectNode = rule["effect"] else {
            throw node.error("missing required key \"effect\" (allow, deny or require_approval)", code: .missingKey, atKey: true)
        }
        var config = PolicyRuleConfig(id: id, effect: try effectNode.keyword(PolicyEffect.allCases))
        if let value = rule["description"] { config.description = try value.string(allowEmpty: true) }
        config.match = try decodeCallMatch(rule)
        if let value = rule["annotations"] { config.annotations = try decodeAnnotationMatch(value) }
        if let value = rule["arguments"] {
            for element in try value.sequence() { config.arguments.append(try decodeArgumentPredicate(element)) }
        }
        if let value = rule["approval"] {
            guard config.effect == .requireApproval else {
                throw value.error("approval applies only to a rule with effect require_approval", atKey: true)
            }
            config.approval = try decodeApprovalTerms(value)
        }
        return config
    }

    /// `approval`: `approvers` (1 to 5) and `via` (client, console).
    static func decodeApprovalTerms(_ node: ConfigNode) throws(ConfigError) -> ApprovalTerms {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: approvalTermsKeys)
        var terms = ApprovalTerms()
        if let value = section["approvers"] {
            terms.approvers = try value.positiveInt()
            guard terms.approvers <= ApprovalTerms.maximumApprovers else {
                throw value.error("at most \(ApprovalTerms.maximumApprovers) approvers")
            }
        }
        if let value = section["via"] {
            terms.via = try value.keyword(ApprovalTerms.Via.allCases)
            if terms.approvers > 1, terms.via == .client {
                throw value.error("a rule with \(terms.approvers) approvers is decided out of band, never in the caller's client: use via: console")
            }
        } else if terms.approvers > 1 {
            terms.via = .console
        }
        return terms
    }

    /// `id` of a rule or a limit: required, and plain enough for metrics labels and audit.
    static func decodeRuleID(_ mapping: ConfigMapping, _ node: ConfigNode, what: String) throws(ConfigError) -> String {
        guard let idNode = mapping["id"] else {
            throw node.error("missing required key \"id\": every \(what) has a unique id", code: .missingKey, atKey: true)
        }
        let scalar = try idNode.scalar()
        guard PolicyRuleConfig.isValidID(scalar.text) else {
            throw scalar.error("a \(what) id uses only letters, digits, \".\", \"_\" and \"-\"")
        }
        return scalar.text
    }

    /// `principals`, `roles`, `tenants`, `virtual_servers`, `servers`, `server_labels`, `tools`, read from a rule
    /// or a limit; each is a non-empty list.
    static func decodeCallMatch(_ mapping: ConfigMapping) throws(ConfigError) -> CallMatchConfig {
        var match = CallMatchConfig()
        if let value = mapping["principals"] { match.principals = try value.matcherList() }
        if let value = mapping["roles"] { match.roles = try value.matcherList() }
        if let value = mapping["tenants"] { match.tenants = try value.matcherList() }
        if let value = mapping["virtual_servers"] {
            match.virtualServers = try value.matcherList { name in
                name == CallMatchConfig.rootVirtualServer ? nil : ServerNameRule.problem(with: name).map {
                    "not a virtual server name (use \"/\" for the root /mcp): " + $0
                }
            }
        }
        if let value = mapping["servers"] {
            match.servers = try value.matcherList { ServerNameRule.problem(with: $0).map { "not a server name: " + $0 } }
        }
        if let value = mapping["tools"] { match.tools = try value.matcherList() }
        if let value = mapping["server_labels"] { match.serverLabels = try decodeLabelCondition(value) }
        return match
    }

    /// `server_labels`: per label name, a value or a list of values (any of them matches).
    static func decodeLabelCondition(_ node: ConfigNode) throws(ConfigError) -> [String: [String]] {
        let mapping = try ConfigMapping(node)
        guard !mapping.entries.isEmpty else {
            throw node.error("an empty server_labels matches every server; remove it, or name at least one label")
        }
        var condition: [String: [String]] = [:]
        for entry in mapping.entries {
            if let problem = ServerLabels.problem(withKey: entry.key) { throw entry.value.error(problem, atKey: true) }
            let values = entry.value.isScalar ? [try entry.value.string()] : try entry.value.matcherList()
            for value in values {
                if let problem = ServerLabels.problem(withValue: value, key: entry.key) { throw entry.value.error(problem) }
            }
            condition[entry.key] = values
        }
        return condition
    }

    static func decodeAnnotationMatch(_ node: ConfigNode) throws(ConfigError) -> AnnotationMatchConfig {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: annotationMatchKeys)
        var match = AnnotationMatchConfig()
        if let value = section["readOnlyHint"] { match.readOnlyHint = try value.bool() }
        if let value = section["destructiveHint"] { match.destructiveHint = try value.bool() }
        if let value = section["idempotentHint"] { match.idempotentHint = try value.bool() }
        if let value = section["openWorldHint"] { match.openWorldHint = try value.bool() }
        return match
    }
}

extension ConfigNode {
    /// One of `options`, by raw value: `expected one of allow, deny, got "alow"`.
    func keyword<Option: RawRepresentable<String>>(_ options: [Option]) throws(ConfigError) -> Option {
        let scalar = try scalar()
        guard let option = options.first(where: { $0.rawValue == scalar.text }) else {
            throw scalar.error("expected one of " + options.map(\.rawValue).joined(separator: ", "))
        }
        return option
    }

    /// A matcher's list: at least one non-empty string. An empty list would match nothing,
    /// which is never what was meant; leaving the key out matches everything.
    func matcherList(_ problem: (String) -> String? = { _ in nil }) throws(ConfigError) -> [String] {
        let elements = try sequence()
        guard !elements.isEmpty else {
            throw error("an empty list matches nothing; remove the key to match every call, or list at least one value")
        }
        var values: [String] = []
        for element in elements {
            let text = try element.string()
            if let message = problem(text) { throw element.error(message) }
            values.append(text)
        }
        return values
    }
}

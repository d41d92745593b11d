import SwitchboardCore

/// One policy rule ready to evaluate: globs, pointers and regexes built, and its decision
/// (explanation included) made in advance.
/// A class: the policy walks its rules on every call, and a struct this size would be copied
/// (every field retained) at each step.
final class CompiledRule: Sendable {
    let id: String
    let effect: PolicyEffect
    let matcher: CallMatcher
    let annotations: AnnotationMatchConfig
    let arguments: [ArgumentPredicate]
    let decision: PolicyDecision

    init(_ config: PolicyRuleConfig, policyVersion: String, serverLabels: [String: [String: String]] = [:]) throws(PolicyError) {
        guard PolicyRuleConfig.isValidID(config.id) else {
            throw PolicyError("a rule id uses only letters, digits, \".\", \"_\" and \"-\"", ruleID: config.id)
        }
        id = config.id
        effect = config.effect
        matcher = CallMatcher(config.match, serverLabels: serverLabels)
        annotations = config.annotations
        var arguments: [ArgumentPredicate] = []
        for predicate in config.arguments {
            do {
                arguments.append(try ArgumentPredicate(predicate))
            } catch {
                throw PolicyError("arguments \(predicate.pointer): \(error.message)", ruleID: config.id)
            }
        }
        self.arguments = arguments

        var parts = matcher.summary
        for (name, wanted, _) in Self.hints(annotations, ToolAnnotations()) {
            if let wanted { parts.append("\(name) \(wanted)") }
        }
        parts += arguments.map(\.summary)
        let condition = parts.isEmpty ? "every call" : parts.joined(separator: ", ")
        decision = PolicyDecision(
            effect: effect, ruleID: id, policyVersion: policyVersion,
            explanation: "rule \(id) (\(effect)): \(condition)"
        )
    }

    /// Everything but the arguments: the tool and who calls it through where.
    func matchesTool(principal: Principal, virtualServer: String?, tool: ToolFacts) -> Bool {
        matcher.matches(principal: principal, virtualServer: virtualServer, tool: tool) && annotationsMatch(tool.annotations)
    }

    func matches(_ call: CallFacts) -> Bool {
        guard matchesTool(principal: call.principal, virtualServer: call.virtualServer, tool: call.tool) else { return false }
        for predicate in arguments where !predicate.holds(in: call.arguments) { return false }
        return true
    }

    func annotationsMatch(_ tool: ToolAnnotations) -> Bool {
        if let wanted = annotations.readOnlyHint, wanted != tool.readOnly { return false }
        if let wanted = annotations.destructiveHint, wanted != tool.destructive { return false }
        if let wanted = annotations.idempotentHint, wanted != tool.idempotent { return false }
        if let wanted = annotations.openWorldHint, wanted != tool.openWorld { return false }
        return true
    }

    /// The rule's hints in a fixed order, paired with the tool's value of each.
    static func hints(_ match: AnnotationMatchConfig, _ tool: ToolAnnotations) -> [(String, Bool?, Bool)] {
        [
            ("readOnlyHint", match.readOnlyHint, tool.readOnly),
            ("destructiveHint", match.destructiveHint, tool.destructive),
            ("idempotentHint", match.idempotentHint, tool.idempotent),
            ("openWorldHint", match.openWorldHint, tool.openWorld),
        ]
    }

    func trace(_ call: CallFacts, decided: Bool) -> RuleTrace {
        var checks = matcher.checks(principal: call.principal, virtualServer: call.virtualServer, tool: call.tool)
        for (name, wanted, actual) in Self.hints(annotations, call.tool.annotations) {
            guard let wanted else { continue }
            checks.append(MatcherCheck(matcher: "annotations." + name, expected: "\(wanted)", actual: "\(actual)", held: wanted == actual))
        }
        for predicate in arguments {
            let present = call.arguments.flatMap(predicate.pointer.resolve(in:)) != nil
            checks.append(
                MatcherCheck(
                    matcher: "arguments", expected: predicate.summary, actual: present ? "present" : "absent",
                    held: predicate.holds(in: call.arguments)
                )
            )
        }
        return RuleTrace(ruleID: id, effect: effect, matched: checks.allSatisfy(\.held), decided: decided, checks: checks)
    }
}

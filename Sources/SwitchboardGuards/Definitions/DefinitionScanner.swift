import SwitchboardCore

/// Tool poisoning, shadowing and spoofing in what servers tell models, found locally and
/// deterministically: no network, no model, the same verdict for the same input. Each string a
/// model sees (`ModelVisibleText`) is read through `GuardText` (hidden text undone), matched
/// against the rule set's text rules, and the checks that need the whole catalogue
/// (`CatalogueChecks`: other servers' tools, names, annotations) are added.
///
/// Runs when a server's lists are ingested, never per call.
package struct DefinitionScanner: Sendable {
    package let rules: GuardRuleSet
    private let compiled: [CompiledGuardRule]
    private let readsWholeFields: Bool

    private let vocabulary: GuardVocabulary
    private let steering: [CompiledGuardRule.Term]

    package init(rules: GuardRuleSet = .builtin) {
        self.rules = rules
        var vocabulary = GuardVocabulary()
        compiled = rules.rules.map { CompiledGuardRule($0, &vocabulary) }
        steering = rules.lexicon.steering.map { CompiledGuardRule.Term($0, &vocabulary) }
        self.vocabulary = vocabulary
        readsWholeFields = compiled.contains(where: \.wholeField)
    }

    /// Every definition of `catalogue`, or only those of the server `only` (the others are
    /// context for the cross-server checks: the gateway scans one server's new list against
    /// the names the others list).
    package func scan(_ catalogue: GuardCatalogue, accepted: Set<AcceptedFinding> = [], only: String? = nil) -> GuardReport {
        let checks = CatalogueChecks(catalogue, lexicon: rules.lexicon, steering: steering)
        var servers: [GuardReport.Server] = []
        for server in catalogue.servers where only == nil || server.name == only {
            var items: [GuardReport.Item] = []
            if let instructions = server.instructions, !instructions.isEmpty {
                let fields = [GuardField(kind: .instructions, path: "instructions", text: instructions)]
                items.append(item(.instructions, "instructions", server: server.name, findings: scan(fields, server: server.name, checks: checks), accepted))
            }
            for tool in server.tools {
                let name = tool["name"]?.string ?? ""
                let fields = ModelVisibleText.fields(of: tool)
                var findings = scan(fields, server: server.name, checks: checks)
                findings += checks.name(name, of: server.name)
                findings += checks.vendorClaim(fields, name: name, server: server.name)
                findings += checks.annotations(of: tool, name: name, fields: fields)
                items.append(item(.tool, name, server: server.name, findings: findings, accepted))
            }
            for prompt in server.prompts {
                let name = prompt["name"]?.string ?? ""
                items.append(item(.prompt, name, server: server.name, findings: scan(ModelVisibleText.fields(of: prompt), server: server.name, checks: checks), accepted))
            }
            for resource in server.resources {
                let name = resource["uri"]?.string ?? resource["uriTemplate"]?.string ?? resource["name"]?.string ?? ""
                items.append(item(.resource, name, server: server.name, findings: scan(ModelVisibleText.fields(of: resource), server: server.name, checks: checks), accepted))
            }
            servers.append(GuardReport.Server(name: server.name, items: items))
        }
        return GuardReport(servers: servers, rulesVersion: rules.version)
    }

    private func item(_ kind: GuardReport.Item.Kind, _ name: String, server: String, findings: [GuardFinding], _ accepted: Set<AcceptedFinding>) -> GuardReport.Item {
        let counted = findings.filter { !accepted.contains(AcceptedFinding(server: server, name: name, rule: $0.rule)) }
        return GuardReport.Item(kind: kind, name: name, findings: findings, verdict: GuardVerdict(counted))
    }

    /// The rules of `families` (and the tricks that hide text outright) over text a tool
    /// returned: `InjectionScreen`'s full read of a result whose bytes its prefilter could not
    /// clear. No catalogue: a result is not a definition, and naming another server's tool in
    /// one is not steering.
    package func scan(resultText text: String, path: String, families: Set<GuardFamily>) -> [GuardFinding] {
        let findings = scan([GuardField(kind: .description, path: path, text: text)], server: "", checks: nil, families: families)
        return findings.filter { $0.family != .unicode || $0.severity == .high }
    }

    /// The text rules and hidden-text findings over `fields`, one finding per rule and path
    /// (only the rules of `families` when given).
    private func scan(_ fields: [GuardField], server: String, checks: CatalogueChecks?, families: Set<GuardFamily>? = nil) -> [GuardFinding] {
        var out: [GuardFinding] = []
        var seen = Set<String>()
        func add(_ finding: GuardFinding) {
            if seen.insert(finding.rule + "\u{0}" + finding.path).inserted { out.append(finding) }
        }
        for field in fields {
            let text = GuardText(field.text)
            for var finding in text.findings {
                finding.path = field.path
                add(finding)
            }
            if field.text.unicodeScalars.count > GuardText.maximumLength {
                add(GuardFinding(rule: "U-oversized-text", family: .unicode, severity: .warn, path: field.path,
                                 excerpt: "\(field.text.utf8.count) bytes; the first \(GuardText.maximumLength) characters were read"))
            }
            for variant in text.variants {
                let path = variant.layer.map { "\(field.path) [\($0)]" } ?? field.path
                let sentences = GuardSentence.split(variant.text, vocabulary: vocabulary)
                let whole = readsWholeFields ? GuardSentence(variant.text, vocabulary: vocabulary) : nil
                for rule in compiled where (rule.fields?.contains(field.kind) ?? true) && (families?.contains(rule.family) ?? true) {
                    if rule.wholeField {
                        if let whole, let at = rule.match(whole) {
                            add(finding(rule, path, whole, at))
                        }
                        continue
                    }
                    for sentence in sentences {
                        if let at = rule.match(sentence) {
                            add(finding(rule, path, sentence, at))
                            break
                        }
                    }
                }
                for finding in checks?.crossServer(sentences, field: field, path: path, server: server) ?? [] { add(finding) }
            }
        }
        return out
    }

    private func finding(_ rule: CompiledGuardRule, _ path: String, _ sentence: GuardSentence, _ token: Int) -> GuardFinding {
        GuardFinding(rule: rule.id, family: rule.family, severity: rule.severity, path: path,
                     excerpt: GuardExcerpt.make(sentence.text, around: sentence.characterOffset(ofToken: token)))
    }
}

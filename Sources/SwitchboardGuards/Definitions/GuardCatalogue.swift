package import SwitchboardCore

/// What servers tell models, as the definition scanner reads it: per server (in order), its
/// tools, prompts, resources and resource templates, and its `instructions`. Cross-server
/// rules judge each server's text against the others'.
package struct GuardCatalogue: Sendable {
    package struct Server: Sendable {
        package var name: String
        package var tools: [JSONView]
        package var prompts: [JSONView]
        package var resources: [JSONView]
        package var instructions: String?

        package init(name: String, tools: [JSONView] = [], prompts: [JSONView] = [], resources: [JSONView] = [], instructions: String? = nil) {
            self.name = name
            self.tools = tools
            self.prompts = prompts
            self.resources = resources
            self.instructions = instructions
        }
    }

    package var servers: [Server]

    package init(servers: [Server]) {
        self.servers = servers
    }
}

/// The scanner's answer: per server, a verdict and findings for each definition.
package struct GuardReport: Sendable {
    package struct Item: Sendable {
        package enum Kind: String, Sendable {
            case tool, prompt, resource, instructions
        }

        package var kind: Kind
        package var name: String
        package var findings: [GuardFinding]
        /// From the findings an operator has not accepted.
        package var verdict: GuardVerdict
    }

    package struct Server: Sendable {
        package var name: String
        package var items: [Item]
    }

    package var servers: [Server]
    /// The rule set's version, so a verdict can be traced to the rules that made it.
    package var rulesVersion: String
}

/// A finding an operator has looked at and let through, for one definition.
package struct AcceptedFinding: Sendable, Hashable {
    package var server: String
    package var name: String
    package var rule: String

    package init(server: String, name: String, rule: String) {
        self.server = server
        self.name = name
        self.rule = rule
    }
}

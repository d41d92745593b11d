package import Logging
package import SwitchboardCore
package import SwitchboardPolicy
import Synchronization

/// What callers may see and call, and how often: policy, virtual servers and quotas, as the
/// data plane asks them on every request (who the callers are is `CallerAuthentication`'s).
/// Everything it reads per call is in memory; the rules are an immutable snapshot swapped
/// whole on reload, so a reload never drops a session or half-applies a change.
package final class Governance: Sendable {
    /// One compiled generation of `policy`, `virtual_servers` and `quotas`; a class, so reading
    /// the current one per call is one reference under the lock.
    package final class Rules: Sendable {
        package let policy: CompiledPolicy
        package let virtualServers: VirtualServerCatalogue
        package let quotas: QuotaLimiter
        /// Lists differ between callers: some rule or a default deny could hide something, or
        /// virtual servers exist. Otherwise every caller gets the shared merged page untouched.
        package let listsDependOnCaller: Bool
        /// The configuration they came from, to tell what a reload changes.
        let sources: (policy: PolicyConfig, quotas: QuotaConfig, virtualServers: [VirtualServerConfig], labels: [String: [String: String]])

        package init(config: GatewayConfig, keeping previous: Rules? = nil, clock: any QuotaClock = SystemQuotaClock()) throws(PolicyError) {
            // Servers, their labels included, change only at a restart: a reload matches the
            // labels of the servers running.
            let labels = previous?.sources.labels ?? config.serverLabels
            policy = try CompiledPolicy(config.policy, serverLabels: labels)
            virtualServers = VirtualServerCatalogue(config.virtualServers)
            // Counters survive a reload that leaves the quotas as they were.
            if let previous, previous.sources.quotas == config.quotas {
                quotas = previous.quotas
            } else {
                quotas = QuotaLimiter(config.quotas, serverLabels: labels, clock: clock)
            }
            listsDependOnCaller = !config.policy.rules.isEmpty || config.policy.defaultEffect != .allow || !config.virtualServers.isEmpty
            sources = (config.policy, config.quotas, config.virtualServers, labels)
        }
    }

    private let rules: Mutex<Rules>
    /// One reload at a time (a signal and a file change may come together): each compiles from
    /// the rules in force and keeps their quota counters, which two at once could not both do.
    private let reloading = Mutex(())
    let logger: Logger

    package init(config: GatewayConfig, logger: Logger) throws(PolicyError) {
        self.rules = Mutex(try Rules(config: config))
        self.logger = logger
    }

    /// The rules in force now.
    package var current: Rules { rules.withLock { $0 } }

    /// Compiles the new configuration's rules and swaps them in; the old ones stay in force when
    /// the new ones do not compile. Returns the new policy version.
    @discardableResult
    package func reload(_ config: GatewayConfig) throws(PolicyError) -> String {
        try reloading.withLock { _ throws(PolicyError) in try swapRules(config) }
    }

    private func swapRules(_ config: GatewayConfig) throws(PolicyError) -> String {
        let previous = current
        let next = try Rules(config: config, keeping: previous)
        rules.withLock { $0 = next }
        if previous.policy.version != next.policy.version {
            logger.notice("policy reloaded", metadata: [
                "switchboard.policy_version": "\(next.policy.version)", "switchboard.previous_version": "\(previous.policy.version)",
            ])
        }
        return next.policy.version
    }

    /// The configured virtual server of that name (`/mcp/{name}`), or nil.
    package func virtualServer(named name: Substring) -> String? {
        let name = String(name)
        return current.virtualServers.server(named: name) == nil ? nil : name
    }
}

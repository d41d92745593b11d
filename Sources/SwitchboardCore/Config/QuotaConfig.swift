/// `quotas`: rate, concurrency and daily-budget limits on `tools/call` (nothing else counts).
/// Every limit whose filters match a call applies, and the call is admitted only if all of them
/// admit it. Enforced by `QuotaLimiter` (target `SwitchboardPolicy`).
public struct QuotaConfig: Sendable, Equatable {
    /// One entry of `costs`: calls to tools matching `tools` cost `units` of daily budget.
    public struct Cost: Sendable, Equatable {
        /// A glob over the federated tool name.
        public var tools: String
        /// Budget units per call; 0 makes the tools free of budget (they still count for rate
        /// and concurrency).
        public var units: Int

        public init(tools: String, units: Int) {
            self.tools = tools
            self.units = units
        }
    }

    /// `costs`, in file order: the first matching glob gives a call's cost; unmatched calls cost
    /// `defaultCost`.
    public var costs: [Cost]
    /// `limits`, in file order.
    public var limits: [QuotaLimitConfig]

    /// What a call costs when no `costs` glob matches its tool.
    public static let defaultCost = 1

    public init(costs: [Cost] = [], limits: [QuotaLimitConfig] = []) {
        self.costs = costs
        self.limits = limits
    }
}

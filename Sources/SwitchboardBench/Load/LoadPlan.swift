import NIOCore

/// Everything a load connection needs to know, fixed before the first request.
struct LoadPlan: Sendable {
    let url: BenchURL
    let encoder: MCPRequestEncoder
    let connections: Int
    /// Requests/s over all connections; nil for a closed loop.
    let rate: Double?
    /// An unanswered request fails after this long, and its connection is replaced.
    let requestTimeout: TimeAmount
    let connectTimeout: TimeAmount
    /// What every answered call's result is checked for.
    let resultCheck: ResultShapeCheck
    /// Answers are results as they are (the REST front door), not JSON-RPC responses.
    let plainAnswers: Bool

    init(
        url: BenchURL,
        encoder: MCPRequestEncoder,
        connections: Int,
        rate: Double?,
        resultCheck: ResultShapeCheck = .none,
        plainAnswers: Bool = false,
        requestTimeout: TimeAmount = .seconds(10),
        connectTimeout: TimeAmount = .seconds(5)
    ) {
        self.url = url
        self.encoder = encoder
        self.connections = connections
        self.rate = rate
        self.resultCheck = resultCheck
        self.plainAnswers = plainAnswers
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
    }

    /// The sessions connection `index` takes turns with: its share when there are more sessions
    /// than connections, otherwise one session that it shares with other connections.
    func sessions(forConnection index: Int) -> [Int] {
        let count = encoder.sessionCount
        if count >= connections { return Array(stride(from: index, to: count, by: connections)) }
        return [index % count]
    }
}

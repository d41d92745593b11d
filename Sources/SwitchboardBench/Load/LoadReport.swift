import SwitchboardCore

/// The result of a load run, as one JSON line (`--json`, a contract scripts parse) or as a
/// readable summary.
struct LoadReport: Sendable {
    /// Successful requests in the measured window.
    var requests: Int
    var errors: Int
    /// The measured window, stretched to the last recorded answer (see `LoadRun.Outcome`).
    var durationSeconds: Double
    var latency: LatencySummary
    var sessions: Int
    var connections: Int
    var rate: Double?
    var firstError: String?
    /// Client CPU per request sent (warm-up included), in microseconds; summary only.
    var clientCPUMicrosPerRequest: Double?

    var throughput: Double {
        durationSeconds > 0 ? Double(requests) / durationSeconds : 0
    }

    init(tally: LoadTally, durationSeconds: Double, sessions: Int, connections: Int, rate: Double?, cpu: Duration?) {
        requests = tally.requests
        errors = tally.errors
        self.durationSeconds = durationSeconds
        latency = LatencySummary(tally.latency)
        self.sessions = sessions
        self.connections = connections
        self.rate = rate
        firstError = tally.firstError
        if let cpu, tally.sent > 0 {
            let micros = Double(cpu.components.seconds) * 1e6 + Double(cpu.components.attoseconds) / 1e12
            clientCPUMicrosPerRequest = micros / Double(tally.sent)
        }
    }

    /// `{"requests":N,"errors":N,"duration_s":X,"throughput":X,"latency_us":{…},"sessions":S,
    /// "connections":C,"rate":R|null,"first_error":"…"|null}`
    var jsonLine: String {
        let l = latency
        var line = #"{"requests":\#(requests),"errors":\#(errors),"duration_s":\#(Self.number(durationSeconds, places: 1000)),"#
        line += #""throughput":\#(Self.number(throughput)),"#
        line += #""latency_us":{"p50":\#(l.p50),"p90":\#(l.p90),"p99":\#(l.p99),"p999":\#(l.p999),"max":\#(l.max)},"#
        line += #""sessions":\#(sessions),"connections":\#(connections),"rate":\#(rate.map { Self.number($0) } ?? "null"),"#
        line += #""first_error":\#(firstError.map(JSONWriter.quoted) ?? "null")}"#
        return line
    }

    var summary: String {
        let mode = rate.map { "open loop at \(Self.number($0)) req/s" } ?? "closed loop (saturation)"
        var lines = [
            "\(sessions == 0 ? "sessionless" : "\(sessions) sessions"), \(connections) connections, \(mode), \(Self.number(durationSeconds)) s measured",
            "requests   \(requests) ok, \(errors) errors, \(Self.number(throughput)) req/s",
            "latency µs p50 \(latency.p50)  p90 \(latency.p90)  p99 \(latency.p99)  p99.9 \(latency.p999)  max \(latency.max)",
        ]
        if let cpu = clientCPUMicrosPerRequest { lines.append("client CPU \(Self.number(cpu)) µs/request") }
        if let firstError { lines.append("first error: \(firstError)") }
        return lines.joined(separator: "\n")
    }

    /// One decimal place (three for durations); whole numbers print as `10.0`.
    private static func number(_ value: Double, places: Double = 10) -> String {
        guard value.isFinite else { return "0" }
        return String((value * places).rounded() / places)
    }
}

import Logging
/// Keeps something in memory in step with the store another process may write (the CLI, another
/// replica): every `interval` until cancelled, `reload` is given the store's change token as of
/// the last load and returns the one the memory reflects now. `afterEach` runs after every poll,
/// for work on a slower beat (writing key uses back).
enum StoreChangePoller {
    static func run(every interval: Duration, from loaded: Int64, reload: (Int64) -> Int64, afterEach: () -> Void = {}) async {
        let clock = ContinuousClock()
        var token = loaded
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval, clock: clock)
            } catch {
                return  // cancelled: shutting down
            }
            token = reload(token)
            afterEach()
        }
    }

    /// One poll's check, the same for every service: `reload` runs when the store's change
    /// token moved from `token`. The token is read before the rows, so a write landing in
    /// between is seen again by the next poll rather than missed. Returns the token the memory
    /// now reflects (the old one when reading failed, which is logged as "`what` reload failed").
    static func reload(since token: Int64, changeToken: () throws -> Int64, logger: Logger, what: String, _ reload: () throws -> Void) -> Int64 {
        do {
            let current = try changeToken()
            guard current != token else { return token }
            try reload()
            return current
        } catch {
            logger.warning("\(what) reload failed", metadata: ["switchboard.error": "\(error)"])
            return token
        }
    }
}

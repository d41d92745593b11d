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
}

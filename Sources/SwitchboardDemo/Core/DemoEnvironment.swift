import Foundation

/// The clock the tools read, injected so tests are deterministic and fast.
struct DemoEnvironment: Sendable {
    /// The current time, for the `now` tool.
    var now: @Sendable () -> Date = { Date() }
    /// The length of one `countdown` step; one second outside tests.
    var countdownTick: Duration = .seconds(1)
}

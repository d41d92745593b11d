package import NIOCore
import NIOPosix

/// A condition a test waited for did not come true in time; the message says which.
package struct TimedOut: Error, CustomStringConvertible {
    package var description: String
}

/// Polls `probe` until it gives a value (not nil), failing after `timeout`: the one way tests wait for
/// something another process or thread does. Component tests do not need it: they run an
/// `EmbeddedEventLoop` and move its time instead. Spell the closure's type out
/// (`{ () async throws -> Answer? in … }`) where the result goes into an optional: inferred as
/// `Answer?`, `T` would make the closure's nil a value and end the wait at once.
///
/// The default timeout is long because it only bounds a failure: a passing wait returns at its
/// first true poll. At the start of a full run on a 2-core CI machine every suite starts at once
/// (dozens of Python peers among them) and a poll can wait seconds for a thread; a test that
/// means "within N seconds" says so with `timeout:`.
package func eventuallyValue<T>(
    _ what: String,
    timeout: Duration = .seconds(30),
    every interval: Duration = .milliseconds(10),
    fileID: StaticString = #fileID,
    line: UInt = #line,
    _ probe: () async throws -> T?
) async throws -> T {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if let value = try await probe() { return value }
        guard clock.now < deadline else { throw TimedOut(description: "\(what) not seen within \(timeout) (\(fileID):\(line))") }
        try await Task.sleep(for: interval)
    }
}

/// Polls `condition` until it holds, failing after `timeout`.
package func eventually(
    _ what: String = "condition",
    timeout: Duration = .seconds(30),
    every interval: Duration = .milliseconds(10),
    fileID: StaticString = #fileID,
    line: UInt = #line,
    _ condition: () async throws -> Bool
) async throws {
    _ = try await eventuallyValue(what, timeout: timeout, every: interval, fileID: fileID, line: line) { try await condition() ? () : nil }
}

/// Runs `body` with a two-thread event loop group (one loop for the transport, the test
/// server on either) that is shut down afterwards.
package func withEventLoops<T>(_ body: (_ transportLoop: any EventLoop, _ group: any EventLoopGroup) async throws -> T) async throws -> T {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    do {
        let result = try await body(group.next(), group)
        try await group.shutdownGracefully()
        return result
    } catch {
        try? await group.shutdownGracefully()
        throw error
    }
}

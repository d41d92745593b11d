import Foundation
import Logging
import Testing
@testable import Switchboard
import SwitchboardCore
import SwitchboardTesting

/// The in-process demo server tells the gateway core when it listens: the core waits for that
/// before it connects to its servers (a `ServiceGroup` starts services together, and the first
/// connection once raced the bind, leaving the demo "unavailable" in CI).
@Suite struct DemoHTTPServiceTests {
    let logger = Logger(label: "test")

    @Test func signalsOnlyOnceItAcceptsConnections() async throws {
        let port = try Self.freePort()
        let listening = StartSignal()
        let demo = DemoHTTPService(listen: ListenAddress(host: "127.0.0.1", port: port), logger: logger, listening: listening)
        let task = Task { try await demo.run() }
        defer { task.cancel() }
        await listening.wait()
        // Right after the signal, with no retry: the socket is bound and listening.
        #expect(Self.connects(port: port))
    }

    @Test func aFailedBindStillLetsTheGatewayGoOn() async throws {
        // A port someone else listens on: the demo cannot bind, and must not leave the core waiting.
        let holder = try RefusingPort()
        let listening = StartSignal()
        let demo = DemoHTTPService(listen: ListenAddress(host: "127.0.0.1", port: holder.port), logger: logger, listening: listening)
        await #expect(throws: (any Error).self) { try await demo.run() }
        await listening.wait()
    }

    /// Stopping while clients keep connecting: a connection accepted as the server stops is
    /// served and closed, not dropped (NIO stops the process when a channel it wrapped is
    /// dropped unclosed; this once crashed the test run).
    @Test func stopsCleanlyWhileConnectionsArrive() async throws {
        for _ in 0..<6 {
            let (port, task) = try await startOnAFreePort()
            let connecting = Task.detached {
                while !Task.isCancelled {
                    _ = Self.connects(port: port)
                    await Task.yield()
                }
            }
            try await Task.sleep(for: .milliseconds(5))
            task.cancel()
            try await task.value
            connecting.cancel()
            await connecting.value
        }
    }

    /// The demo listening on a port found free, or on another when that one was taken before
    /// the demo could bind it (another test's socket may get it in between: this once failed
    /// a CI run with "Address already in use"). Nothing answering on the port after the
    /// signal means the bind failed.
    func startOnAFreePort() async throws -> (port: Int, task: Task<Void, any Error>) {
        for _ in 0..<5 {
            let port = try Self.freePort()
            let listening = StartSignal()
            let demo = DemoHTTPService(listen: ListenAddress(host: "127.0.0.1", port: port), logger: logger, listening: listening)
            let task = Task { try await demo.run() }
            await listening.wait()
            if Self.connects(port: port) { return (port, task) }
            _ = try? await task.value
        }
        throw POSIXError(.EADDRINUSE)
    }

    // MARK: Sockets

    static func freePort() throws -> Int {
        try RefusingPort().port
    }

    static func connects(port: Int) -> Bool {
        guard let fd = try? UnresponsiveListener.makeSocket() else { return false }
        defer { close(fd) }
        var address = UnresponsiveListener.loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}

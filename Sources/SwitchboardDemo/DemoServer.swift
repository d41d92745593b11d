import Dispatch
import Foundation
public import Logging

/// Entry points for `switchboard demo-server`: a small, correct MCP server over stdio or
/// Streamable HTTP, used by the quick start and as an upstream in tests.
public enum DemoServer {
    /// Serves one client on stdin/stdout until stdin ends, then returns once the requests still
    /// running have answered. Logs go to `logger`, which must not write to stdout.
    public static func runStdio(
        options: DemoServerOptions,
        logger: Logger = Logger(label: "switchboard.demo")
    ) async throws {
        try options.validate()
        ignoreBrokenPipes()
        let transport = StdioTransport(
            core: DemoServerCore(options: options),
            input: FileDescriptorIO(descriptor: STDIN_FILENO),
            output: FileDescriptorIO(descriptor: STDOUT_FILENO),
            logger: logger
        )
        try await transport.run()
    }

    /// Serves Streamable HTTP on `options.host:options.port` at `/mcp` until SIGINT or SIGTERM.
    /// Prints `listening on HOST:PORT` on stderr once bound, so `--port 0` callers learn the port.
    public static func runHTTP(
        options: DemoServerOptions,
        logger: Logger = Logger(label: "switchboard.demo")
    ) async throws {
        ignoreBrokenPipes()
        let server = DemoHTTPServer(options: options, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.run { host, port in
                    FileHandle.standardError.write(Data("listening on \(host):\(port)\n".utf8))
                }
            }
            group.addTask {
                await waitForTerminationSignal()
                logger.info("demo server shutting down")
            }
            // Whichever ends first (a signal, or the server failing) ends the other.
            try await group.next()
            group.cancelAll()
        }
    }

    private static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Returns on the first SIGINT or SIGTERM, or when the calling task is cancelled.
    private static func waitForTerminationSignal() async {
        let (signals, continuation) = AsyncStream.makeStream(of: Int32.self)
        let sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        for await _ in signals { break }
        sources.forEach { $0.cancel() }
        continuation.finish()
    }
}

public import Logging

extension DemoServer {
    /// Serves Streamable HTTP inside another process (the gateway's `demo.http`) until the
    /// calling task is cancelled; no signal handling, no output on stderr. `listening` is called
    /// once the socket is bound, so the host can hold back whatever would call it.
    public static func serveHTTP(options: DemoServerOptions, logger: Logger, listening: @escaping @Sendable () -> Void) async throws {
        let server = DemoHTTPServer(options: options, logger: logger)
        try await server.run { host, port in
            logger.info("demo server listening", metadata: ["switchboard.address": "\(host):\(port)"])
            listening()
        }
    }
}

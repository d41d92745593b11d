import Logging
import Synchronization

/// The stdio transport: one JSON-RPC message per line on the input, responses and notifications
/// one per line on the output, until the input ends. Logs never go to the output.
struct StdioTransport: Sendable {
    let core: DemoServerCore
    let input: FileDescriptorIO
    let output: FileDescriptorIO
    let logger: Logger
    /// After end of input, how long running requests may take to answer before they are cancelled.
    /// A closed stdin is how a client asks the server to shut down, and clients follow it with
    /// SIGTERM after a short wait; the grace is for `printf ... | switchboard demo-server` use.
    var drainTimeout: Duration = .seconds(5)

    /// Serves one client until end of input; then gives running requests `drainTimeout` to finish,
    /// cancels the rest (they send nothing), and returns.
    func run() async throws {
        let session = DemoSession()
        let running = RunningCount()
        var framer = LineFramer(maxLineBytes: core.options.maxMessageBytes)
        try await withThrowingDiscardingTaskGroup { group in
            while let chunk = try await input.read() {
                for frame in framer.append(chunk) { accept(frame, session: session, running: running, group: &group) }
            }
            for frame in framer.finish() { accept(frame, session: session, running: running, group: &group) }
            logger.debug("demo stdio input ended")
            // Counted when submitted, not when started, so a request read just before the end
            // of input is waited for too; cancelling the group also reaches tasks not yet started.
            let deadline = ContinuousClock.now + drainTimeout
            while running.value > 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            group.cancelAll()
        }
    }

    private func accept(
        _ frame: LineFramer.Frame,
        session: DemoSession,
        running: RunningCount,
        group: inout ThrowingDiscardingTaskGroup<any Error>
    ) {
        let output = self.output
        let send: NotificationSink = { message in
            // A closed output means the client is gone; there is nobody left to tell.
            try? await output.write(message.serializedBytes + [UInt8(ascii: "\n")])
        }
        switch frame {
        case .oversized:
            logger.warning("demo stdio message too large", metadata: ["switchboard.limit": "\(core.options.maxMessageBytes)"])
            let error = JSONRPCError.invalidRequest("Invalid request: message exceeds \(core.options.maxMessageBytes) bytes")
            running.add(to: &group) { await send(JSONRPCEnvelope.error(id: nil, error)) }
        case .line(let bytes):
            switch JSONRPCMessage.decode(bytes) {
            case .failure(let rejection):
                running.add(to: &group) { await send(JSONRPCEnvelope.error(id: rejection.id, rejection.error)) }
            case .success(.request(let request)):
                // Requests run concurrently so that a countdown never holds up a ping or a cancellation.
                running.add(to: &group) {
                    if let response = await core.respond(to: request, in: session, notify: send) { await send(response) }
                }
            case .success(.notification(let method, let params)):
                // Applied in order, on the read loop, so a cancellation follows the request it names.
                core.receive(method: method, params: params, in: session)
            case .success(.response):
                break
            }
        }
    }
}

/// How many tasks the stdio transport has submitted and not yet seen finish.
private final class RunningCount: Sendable {
    private let count = Atomic(0)

    var value: Int { count.load(ordering: .acquiring) }

    func add(to group: inout ThrowingDiscardingTaskGroup<any Error>, _ body: @escaping @Sendable () async -> Void) {
        count.add(1, ordering: .relaxed)
        group.addTask {
            await body()
            self.count.subtract(1, ordering: .releasing)
        }
    }
}

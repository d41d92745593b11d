package import NIOCore
import NIOPosix
package import Logging
package import SwitchboardCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An MCP server run as a child process, spoken to with newline-delimited JSON over its
/// stdin/stdout (spec digest §1.1). stderr is drained line by line into the log so a chatty
/// server can never block on a full pipe. Closing follows the spec's order: close stdin, wait,
/// SIGTERM the process group, wait, SIGKILL.
package final class StdioUpstreamTransport: UpstreamTransport {
    private struct State {
        var delegate: (any UpstreamTransportDelegate)?
        var process: ChildProcess?
        var channel: (any Channel)?
        var closing = false
    }

    package let launch: StdioLaunch
    package let serverName: String
    private let eventLoop: any EventLoop
    private let maxMessageBytes: Int
    private let logger: Logger
    private let state = Mutex(State())
    /// How long to wait between the teardown steps.
    private let gracePeriod: TimeAmount

    package init(
        serverName: String,
        launch: StdioLaunch,
        maxMessageBytes: Int,
        eventLoop: any EventLoop,
        logger: Logger,
        gracePeriod: TimeAmount = .seconds(2)
    ) {
        self.serverName = serverName
        self.launch = launch
        self.maxMessageBytes = maxMessageBytes
        self.eventLoop = eventLoop
        self.logger = logger
        self.gracePeriod = gracePeriod
    }

    package func setDelegate(_ delegate: any UpstreamTransportDelegate) {
        state.withLock { $0.delegate = delegate }
    }

    package var processID: Int32? { state.withLock { $0.process?.pid } }

    package func connect() -> EventLoopFuture<Void> {
        let process: ChildProcess
        do {
            process = try ChildProcess.spawn(
                command: launch.command,
                arguments: launch.args,
                environment: launch.env,
                directory: launch.cwd
            )
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        logger.info("spawned stdio server", metadata: ["switchboard.server": "\(serverName)", "switchboard.pid": "\(process.pid)"])
        state.withLock {
            $0.process = process
            $0.closing = false
        }
        let stderrLogger = logger
        let name = serverName
        _ = NIOPipeBootstrap(group: eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(StderrLineLogger(serverName: name, logger: stderrLogger))
                }
            }
            .takingOwnershipOfDescriptor(input: process.stderrRead)

        let maxBytes = maxMessageBytes
        return NIOPipeBootstrap(group: eventLoop)
            .channelInitializer { [weak self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maxFrameBytes: maxBytes)))
                    try channel.pipeline.syncOperations.addHandler(StdioInboundHandler(transport: self))
                }
            }
            .takingOwnershipOfDescriptors(input: process.stdoutRead, output: process.stdinWrite)
            .map { channel in
                self.state.withLock { $0.channel = channel }
            }
            .flatMapErrorThrowing { error in
                process.signalGroup(SIGKILL)
                _ = process.reapIfExited()
                throw UpstreamTransportError.spawnFailed("\(error)")
            }
    }

    package func send(_ message: ByteBuffer, correlation: UInt64?) -> EventLoopFuture<Void> {
        guard let channel = state.withLock({ $0.channel }) else {
            return eventLoop.makeFailedFuture(UpstreamTransportError.notConnected)
        }
        var framed = channel.allocator.buffer(capacity: message.readableBytes + 1)
        var message = message
        framed.writeBuffer(&message)
        framed.writeInteger(UInt8(ascii: "\n"))
        return channel.writeAndFlush(framed)
    }

    package func handshakeCompleted(protocolVersion: String) {}

    package func resetSession() {}

    /// The process is torn down; `connect()` spawns a new one.
    package func disconnect() -> EventLoopFuture<Void> { close() }

    package func close() -> EventLoopFuture<Void> {
        let (channel, process) = state.withLock { s -> ((any Channel)?, ChildProcess?) in
            s.closing = true
            defer {
                s.channel = nil
                s.process = nil
            }
            return (s.channel, s.process)
        }
        channel?.close(promise: nil)
        guard let process else { return eventLoop.makeSucceededVoidFuture() }
        return terminate(process)
    }

    /// Closing stdin was the polite request; then SIGTERM, then SIGKILL, each after a grace
    /// period, to the whole group.
    private func terminate(_ process: ChildProcess) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        let steps: [(TimeAmount, CInt?)] = [(.zero, nil), (gracePeriod, SIGTERM), (gracePeriod, SIGKILL), (gracePeriod, nil)]
        @Sendable func step(_ index: Int, elapsed: TimeAmount) {
            if let status = process.reapIfExited() {
                logger.debug("stdio server exited", metadata: ["switchboard.server": "\(serverName)", "switchboard.exit": "\(status)"])
                // Grandchildren may outlive the leader; the group gets a last SIGKILL.
                process.signalGroup(SIGKILL)
                promise.succeed()
                return
            }
            guard index < steps.count else {
                logger.warning("stdio server did not exit", metadata: ["switchboard.server": "\(serverName)"])
                promise.succeed()
                return
            }
            let (wait, signal) = steps[index]
            if elapsed >= wait {
                if let signal { process.signalGroup(signal) }
                step(index + 1, elapsed: .zero)
            } else {
                eventLoop.scheduleTask(in: .milliseconds(20)) { step(index, elapsed: elapsed + .milliseconds(20)) }
            }
        }
        eventLoop.execute { step(0, elapsed: .zero) }
        return promise.futureResult
    }

    fileprivate func received(_ frame: ByteBuffer) {
        state.withLock { $0.delegate }?.upstreamTransport(received: frame, origin: .sharedStream)
    }

    fileprivate func channelClosed(error: (any Error)?) {
        let (delegate, process, wasClosing) = state.withLock { s -> ((any UpstreamTransportDelegate)?, ChildProcess?, Bool) in
            let result = (s.delegate, s.process, s.closing)
            s.channel = nil
            s.process = nil
            return result
        }
        guard !wasClosing else { return }
        if let process {
            // stdout is gone: whatever is left of the process is of no use. Reap it now so no
            // zombie stays, and take the group down in case it only closed stdout.
            process.signalGroup(SIGTERM)
            _ = terminate(process)
        }
        delegate?.upstreamTransportClosed(error: error)
    }
}

/// Hands each stdout line to the transport and reports when the pipe closes.
private final class StdioInboundHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private weak var transport: StdioUpstreamTransport?
    private var error: (any Error)?

    init(transport: StdioUpstreamTransport?) {
        self.transport = transport
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        transport?.received(unwrapInboundIn(data))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.error = error
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        transport?.channelClosed(error: error)
        context.fireChannelInactive()
    }
}

/// Logs a child's stderr a line at a time. Never fails: an over-long line is cut, so the
/// pipe is always drained and the child never blocks writing to it.
private final class StderrLineLogger: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private static let maxLine = 4096
    private let serverName: String
    private let logger: Logger
    private var pending: [UInt8] = []

    init(serverName: String, logger: Logger) {
        self.serverName = serverName
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        for byte in buffer.readableBytesView {
            if byte == UInt8(ascii: "\n") {
                flush()
            } else if pending.count < Self.maxLine {
                pending.append(byte)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        flush()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func flush() {
        guard !pending.isEmpty else { return }
        let line = String(decoding: pending, as: UTF8.self)
        pending.removeAll(keepingCapacity: true)
        logger.info("server stderr", metadata: ["switchboard.server": "\(serverName)", "switchboard.line": "\(line)"])
    }
}

import NIOCore
import NIOPosix
import SwitchboardCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The bench upstream over stdio: newline-delimited JSON-RPC on stdin and stdout through a NIO
/// pipe channel, until stdin ends.
struct BenchStdioServer {
    static let maxFrameBytes = 16 * 1024 * 1024

    let responder: BenchResponder
    let gate: BenchEraGate

    func run() async throws {
        let responder = self.responder
        let gate = self.gate
        let channel: any Channel
        do {
            channel = try await NIOPipeBootstrap(group: BenchEventLoops.group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers([
                            ByteToMessageHandler(LineFrameDecoder(maxFrameBytes: Self.maxFrameBytes)),
                            BenchStdioHandler(responder: responder, gate: gate),
                        ])
                    }
                }
                // Duplicates, so closing the channel never closes the process's own descriptors.
                .takingOwnershipOfDescriptors(input: dup(STDIN_FILENO), output: dup(STDOUT_FILENO))
                .get()
        } catch {
            throw BenchError("stdin and stdout must be pipes, sockets or terminals, not regular files (\(error))")
        }
        try await channel.closeFuture.get()
    }
}

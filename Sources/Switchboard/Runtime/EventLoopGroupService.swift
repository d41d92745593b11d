import NIOCore
import NIOPosix
import ServiceLifecycle

/// The event loops everything else runs on: first in the group, so they are shut down last,
/// after every part that schedules work on them has stopped.
struct EventLoopGroupService: Service {
    let group: MultiThreadedEventLoopGroup

    func run() async throws {
        // Cancelled instead of shut down gracefully: the loops still go last.
        try? await gracefulShutdown()
        try await group.shutdownGracefully()
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes to a pipe whose reader went away (a child server that exited, a `switchboard stdio`
/// client that closed its end) must fail with EPIPE, not kill the process with SIGPIPE.
/// Sockets are safe already (NIO sends with MSG_NOSIGNAL); the components that write to pipes
/// call this before they start, so the disposition is set once, only where it is needed.
package enum BrokenPipes {
    private static let ignored: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    package static func failInsteadOfSignalling() {
        _ = ignored
    }
}

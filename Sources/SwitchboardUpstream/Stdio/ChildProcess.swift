#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CSwitchboardSpawn
import SwitchboardCore

/// A child process started in its own process group with its stdin, stdout and stderr on
/// pipes. The group lets teardown reach grandchildren too (servers launched through `npx`,
/// `uv run`, shell wrappers), which a signal to the direct child alone would orphan.
package struct ChildProcess: Sendable {

    package let pid: Int32
    /// Our ends of the pipes; ownership passes to whoever wraps them in channels.
    package let stdinWrite: CInt
    package let stdoutRead: CInt
    package let stderrRead: CInt

    /// Spawns `command` (looked up on PATH when it has no slash) with `arguments`, the
    /// gateway's environment overlaid with `environment`, in `directory` if given.
    package static func spawn(
        command: String,
        arguments: [String],
        environment: [String: String],
        directory: String?
    ) throws(UpstreamTransportError) -> ChildProcess {
        BrokenPipes.failInsteadOfSignalling()
        var stdinPipe: [CInt] = [-1, -1]
        var stdoutPipe: [CInt] = [-1, -1]
        var stderrPipe: [CInt] = [-1, -1]
        guard makePipe(&stdinPipe) else { throw .spawnFailed("pipe: \(errnoText())") }
        guard makePipe(&stdoutPipe) else {
            closeAll(stdinPipe)
            throw .spawnFailed("pipe: \(errnoText())")
        }
        guard makePipe(&stderrPipe) else {
            closeAll(stdinPipe + stdoutPipe)
            throw .spawnFailed("pipe: \(errnoText())")
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        // Nothing else crosses: NIO's sockets are not close-on-exec, and a server holding the
        // gateway's listener or client connections would keep them open and could use them.
        let closing = switchboard_spawn_close_inherited(&actions, 3)
        guard closing == 0 else {
            closeAll(stdinPipe + stdoutPipe + stderrPipe)
            throw .spawnFailed("closing inherited descriptors: \(String(cString: strerror(closing)))")
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Own process group, default signal dispositions and an empty mask: the child must not
        // inherit the gateway's ignored SIGPIPE or blocked SIGTERM.
        var defaultSignals = sigset_t()
        sigfillset(&defaultSignals)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        var flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        #if canImport(Darwin)
        flags |= POSIX_SPAWN_CLOEXEC_DEFAULT
        #endif
        posix_spawnattr_setflags(&attributes, Int16(flags))

        var merged = currentEnvironment()
        for (key, value) in environment { merged[key] = value }
        let envStrings = merged.map { "\($0.key)=\($0.value)" }.sorted()
        // glibc's addchdir_np is not visible to Swift, so a working directory goes through a
        // tiny shell prologue; the command and arguments stay positional, never interpolated.
        let argv: [String]
        let executable: String
        if let directory {
            executable = "/bin/sh"
            argv = ["/bin/sh", "-c", "cd -- \"$0\" && exec \"$@\"", directory, command] + arguments
        } else {
            executable = command
            argv = [command] + arguments
        }

        var pid: pid_t = 0
        let rc = withCStrings(argv) { argvPointers in
            withCStrings(envStrings) { envPointers in
                posix_spawnp(&pid, executable, &actions, &attributes, argvPointers, envPointers)
            }
        }
        // The child's ends are closed in the parent whatever happened.
        closeAll([stdinPipe[0], stdoutPipe[1], stderrPipe[1]])
        guard rc == 0 else {
            closeAll([stdinPipe[1], stdoutPipe[0], stderrPipe[0]])
            throw .spawnFailed("\(command): \(String(cString: strerror(rc)))")
        }
        return ChildProcess(pid: pid, stdinWrite: stdinPipe[1], stdoutRead: stdoutPipe[0], stderrRead: stderrPipe[0])
    }

    /// Sends `signal` to the whole process group.
    package func signalGroup(_ signal: CInt) {
        _ = kill(-pid, signal)
    }

    /// Reaps the child if it has exited; returns its exit description then.
    package func reapIfExited() -> String? {
        var status: CInt = 0
        let r = waitpid(pid, &status, WNOHANG)
        guard r == pid else { return r < 0 ? "gone" : nil }
        let low = status & 0x7f
        if low == 0 { return "exit code \((status >> 8) & 0xff)" }
        return "signal \(low)"
    }

    /// A pipe whose ends do not leak into other children (close-on-exec; dup2 clears it on
    /// the child's own copies).
    private static func makePipe(_ fds: inout [CInt]) -> Bool {
        guard pipe(&fds) == 0 else { return false }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return true
    }

    private static func closeAll(_ fds: [CInt]) {
        for fd in fds where fd >= 0 { close(fd) }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }

    private static func currentEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                result[String(text[..<eq])] = String(text[text.index(after: eq)...])
            }
            pointer += 1
        }
        return result
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for p in pointers { free(p) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

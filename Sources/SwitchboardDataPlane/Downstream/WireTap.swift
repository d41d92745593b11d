package import NIOCore
import Synchronization
import SwitchboardCore
#if canImport(Glibc)
import Glibc
#endif

/// Debugging aid: appends every message the gateway sends to a client to a JSON Lines file,
/// with the negotiated revision and the method it belongs to, so a run can be checked against
/// the official schemas. Enabled with `SWITCHBOARD_WIRE_LOG=/path`; off by default because it
/// writes payloads.
package final class WireTap: Sendable {
    package enum Kind: String, Sendable {
        case request, notification, response, error
    }

    private let fd: Mutex<CInt>

    package init?(path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        self.fd = Mutex(fd)
    }

    package static func fromEnvironment() -> WireTap? {
        guard let path = getenv("SWITCHBOARD_WIRE_LOG").map({ String(cString: $0) }), !path.isEmpty else { return nil }
        return WireTap(path: path)
    }

    package func record(revision: String, kind: Kind, method: String?, message: ByteBuffer) {
        var line = ByteBuffer()
        line.writeString(#"{"revision":""#)
        line.writeString(revision)
        line.writeString(#"","kind":""#)
        line.writeString(kind.rawValue)
        line.writeString(#"","method":"#)
        if let method {
            JSONWriter.writeEscaped(method, into: &line)
        } else {
            line.writeString("null")
        }
        line.writeString(#","message":"#)
        var message = message
        line.writeBuffer(&message)
        line.writeString("}\n")
        fd.withLock { fd in
            line.withUnsafeReadableBytes { raw in _ = write(fd, raw.baseAddress, raw.count) }
        }
    }
}

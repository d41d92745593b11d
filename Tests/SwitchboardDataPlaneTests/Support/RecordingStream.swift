import NIOCore
import Synchronization
@testable import SwitchboardDataPlane

/// A session stream (a legacy client's GET stream) that records what it was sent.
final class RecordingStream: DownstreamStream, Sendable {
    private let messages = Mutex<[String]>([])

    var sent: [String] { messages.withLock { $0 } }

    func send(_ message: ByteBuffer) -> Bool {
        messages.withLock { $0.append(String(buffer: message)) }
        return true
    }

    func close() {}
}

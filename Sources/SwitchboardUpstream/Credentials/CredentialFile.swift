import Foundation
import NIOCore
import Synchronization

/// A file holding one secret (a bearer token, a header value, a client secret), trimmed of
/// surrounding whitespace. It is looked at again at most once per `checkInterval` and read
/// again only when its modification time, size or inode changed, so a rotated secret (a
/// Kubernetes secret's symlink swap, an agent rewriting the file) applies without a restart
/// while the request path costs a clock read. Looking happens outside the lock, by one caller
/// at a time; the others keep using the value held.
final class CredentialFile: Sendable {
    private struct Stamp: Equatable {
        var modified: Date?
        var size: Int?
        var inode: Int?
    }

    private struct State {
        var value: String?
        var stamp: Stamp?
        var checkedAt: NIODeadline?
        var checking = false
        var lastProblem: String?
    }

    let path: String
    /// The config key this file serves, for messages (`bearer_file`, `headers_from_files.X-Key`).
    let key: String
    private let checkInterval: TimeAmount
    private let now: @Sendable () -> NIODeadline
    private let state = Mutex(State())

    init(path: String, key: String, checkInterval: TimeAmount = .seconds(1), now: @escaping @Sendable () -> NIODeadline = NIODeadline.now) {
        self.path = path
        self.key = key
        self.checkInterval = checkInterval
        self.now = now
        // Read once now, off the event loops, so the first request finds the value.
        _ = current()
    }

    /// The current content. After a failed re-read the last good content stays in use (a
    /// rotation that briefly removes the file must not fail requests); with none, the error.
    func current() -> Result<String, UpstreamCredentialError> {
        let time = now()
        let shouldCheck = state.withLock { state -> Bool in
            guard !state.checking else { return false }
            if let checkedAt = state.checkedAt, time - checkedAt < checkInterval { return false }
            state.checking = true
            state.checkedAt = time
            return true
        }
        if shouldCheck { refresh() }
        return state.withLock { state in
            if let value = state.value { return .success(value) }
            return .failure(.unreadableFile(key: key, reason: state.lastProblem ?? "not read yet"))
        }
    }

    private func refresh() {
        let known = state.withLock { $0.stamp }
        let stamp = Self.stamp(of: path)
        var read: Result<String, ReadProblem>?
        if stamp == nil || stamp != known { read = Self.read(path) }
        state.withLock { state in
            state.checking = false
            switch read {
            case .success(let value)?:
                state.value = value
                state.stamp = stamp
                state.lastProblem = nil
            case .failure(let problem)?:
                state.lastProblem = problem.message
            case nil:
                break
            }
        }
    }

    struct ReadProblem: Error, Equatable {
        let message: String
    }

    /// The trimmed content, refused when empty or when it could not travel in a header. The
    /// problem never quotes the content.
    static func read(_ path: String) -> Result<String, ReadProblem> {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            return .failure(ReadProblem(message: exists ? "\(path) cannot be read (check its permissions)" : "\(path) does not exist"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(ReadProblem(message: "\(path) is not UTF-8 text"))
        }
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { return .failure(ReadProblem(message: "\(path) is empty")) }
        // Scalars, not Characters: "\r\n" is one Character and would slip past a Character test.
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            return .failure(ReadProblem(message: "\(path) holds a line break or control character inside its value"))
        }
        return .success(value)
    }

    private static func stamp(of path: String) -> Stamp? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        return Stamp(
            modified: attributes[.modificationDate] as? Date,
            size: (attributes[.size] as? NSNumber)?.intValue,
            inode: (attributes[.systemFileNumber] as? NSNumber)?.intValue
        )
    }
}

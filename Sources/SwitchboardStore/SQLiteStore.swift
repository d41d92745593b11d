package import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode (a GRDB `DatabasePool`: one writer, readers
/// that never wait for it), or an in-memory database for tests. Opening it runs the migrations.
///
/// The gateway and `switchboard keys` open the same file from different processes; SQLite's
/// locking keeps their writes apart and `changeToken()` tells the gateway when the CLI wrote.
package final class SQLiteStore: Sendable {
    package let location: StoreLocation
    let writer: any DatabaseWriter
    /// The clock for `created_at` and `revoked_at`; tests pass a fixed one.
    let now: @Sendable () -> Date

    /// Opens (creating when missing) the store at `url`: `sqlite:PATH` or `sqlite::memory:`.
    package convenience init(url: String, now: @escaping @Sendable () -> Date = { Date() }) throws(StoreError) {
        try self.init(location: StoreLocation.parse(url), now: now)
    }

    package init(location: StoreLocation, now: @escaping @Sendable () -> Date = { Date() }) throws(StoreError) {
        self.location = location
        self.now = now
        var configuration = Configuration()
        configuration.label = "switchboard.store"
        // The CLI and the gateway may write at the same moment; wait rather than fail.
        configuration.busyMode = .timeout(5)
        do {
            switch location {
            case .sqliteMemory:
                writer = try DatabaseQueue(configuration: configuration)
            case .sqliteFile(let path):
                try Self.prepareFile(at: path)
                writer = try DatabasePool(path: path, configuration: configuration)
            }
            try StoreMigrations.migrator.migrate(writer)
        } catch {
            throw Self.storeError(error, opening: location)
        }
    }

    /// See `APIKeyStore.changeToken()`: the generation the store's triggers move on every
    /// change of keys or delegated tokens, by this process or another.
    package func changeToken() throws(StoreError) -> Int64 {
        try perform { try writer.read { db in try Int64.fetchOne(db, sql: "SELECT value FROM store_generation WHERE id = 1") ?? 0 } }
    }

    /// Runs GRDB work, turning whatever it throws into a `StoreError`.
    func perform<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch {
            throw Self.storeError(error, opening: nil)
        }
    }

    /// The file is created by hand first so that it is readable by its owner only: it holds
    /// key digests, and SQLite gives the -wal and -shm files the same permissions.
    private static func prepareFile(at path: String) throws(StoreError) {
        let manager = FileManager.default
        if manager.fileExists(atPath: path) { return }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StoreError(.unavailable, "cannot create the store \(path): the folder \(folder) does not exist")
        }
        guard manager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw StoreError(.unavailable, "cannot create the store \(path) (check the folder's permissions)")
        }
    }

    private static func storeError(_ error: any Error, opening location: StoreLocation?) -> StoreError {
        if let error = error as? StoreError { return error }
        // DatabaseError's own description quotes the SQL; its message and code are enough.
        let detail: String
        if let error = error as? DatabaseError {
            detail = error.message ?? "SQLite error \(error.resultCode.rawValue)"
        } else if error is RowDecodingError {
            detail = "a stored row is malformed"
        } else {
            detail = "\(error)"
        }
        guard let location else { return StoreError(.database, "store error: \(detail)") }
        return StoreError(.unavailable, "cannot open the store \(location): \(detail)")
    }
}

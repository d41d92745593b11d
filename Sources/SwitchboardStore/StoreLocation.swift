/// Where the store lives, parsed from the config's `store` (`sqlite:PATH`, `sqlite::memory:`).
package enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqliteFile(path: String)
    /// Gone with the process: for tests and throwaway runs.
    case sqliteMemory

    /// The config loader has already made `PATH` absolute; a relative one (from a caller that
    /// built the URL itself) is taken relative to the working directory. The URL is never
    /// quoted back: a PostgreSQL URL carries a password.
    package static func parse(_ url: String) throws(StoreError) -> StoreLocation {
        if url.hasPrefix("sqlite:") {
            let path = String(url.dropFirst("sqlite:".count))
            if path == ":memory:" { return .sqliteMemory }
            guard !path.isEmpty else { throw StoreError(.unsupportedStore, "expected sqlite:PATH, the path is missing") }
            return .sqliteFile(path: path)
        }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            throw StoreError(.unsupportedStore, "PostgreSQL store is not available yet; use sqlite:PATH")
        }
        throw StoreError(.unsupportedStore, "unknown store URL; expected sqlite:PATH or sqlite::memory:")
    }

    package var description: String {
        switch self {
        case .sqliteFile(let path): "sqlite:" + path
        case .sqliteMemory: "sqlite::memory:"
        }
    }
}

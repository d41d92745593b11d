/// Relative paths in the config mean "beside the config file", whatever the gateway's working
/// directory, so they are made absolute once at load. Plain string handling rather than
/// Foundation's URL: URL percent-encodes and may resolve symlinks, and the operator should see
/// the path they wrote, only joined and tidied.
enum FilePathResolution {
    static func resolve(_ path: String, against directory: String) -> String {
        let joined = path.hasPrefix("/") ? path : directory + "/" + path
        return normalize(joined)
    }

    /// The folder that holds `path` (which is absolute); `/` for a file at the root.
    static func directory(of path: String) -> String {
        var components = path.split(separator: "/", omittingEmptySubsequences: true)
        if !components.isEmpty { components.removeLast() }
        return "/" + components.joined(separator: "/")
    }

    /// Removes `.` and empty components and applies `..` lexically. Lexical `..` can differ
    /// from the filesystem's when a symlink is involved; that is the usual trade for a config.
    static func normalize(_ absolutePath: String) -> String {
        var components: [Substring] = []
        for component in absolutePath.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }
}

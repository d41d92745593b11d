public import SwitchboardCore
import Foundation

/// Reads `switchboard.yaml` into a validated `GatewayConfig`.
///
/// Loading is strict: unknown keys, duplicate keys, wrong types and out-of-range values are
/// errors that name the file, line and key path, because a gateway that starts with a silently
/// ignored typo (`timeout:` for `timeouts:`) fails later, in production, far from the cause.
/// The first problem found is reported.
public enum ConfigLoader {
    /// Not read from the process environment by the loader itself: the `serve`, `stdio` and
    /// `check` commands add it (see `substitutionEnvironment`) so that example configs can
    /// spawn the running binary's built-in demo server with `command: ${SWITCHBOARD_BIN}`.
    public static let executableVariable = "SWITCHBOARD_BIN"

    /// Reads and validates the file at `path`. `environment` supplies `${NAME}` values.
    public static func load(path: String, environment: [String: String]) throws(ConfigError) -> GatewayConfig {
        try parse(yaml: readFile(path), path: path, environment: environment)
    }

    /// Validates YAML text as if it were read from `path`: `path` is used in error messages and
    /// to resolve relative paths (`stdio.cwd`, `store: sqlite:…`) against its folder.
    public static func parse(yaml: String, path: String, environment: [String: String]) throws(ConfigError) -> GatewayConfig {
        let source = ConfigSource(
            file: path,
            environment: environment,
            currentDirectory: FileManager.default.currentDirectoryPath
        )
        return try decodeRoot(compose(yaml, source: source), source: source)
    }

    /// Parses a `HOST:PORT` given outside the file, e.g. `serve --listen`. `source` names where
    /// it came from in the error (`--listen: expected HOST:PORT …`).
    public static func parseListenAddress(_ text: String, source: String = "--listen") throws(ConfigError) -> ListenAddress {
        do throws(ValueProblem) {
            return try ListenAddressSyntax.parse(text)
        } catch {
            let got = error.quotesValue ? ", got \(ConfigScalar.quote(text))" : ""
            throw ConfigError(code: error.code, file: source, message: error.message + got)
        }
    }

    /// The process environment plus `SWITCHBOARD_BIN`, the absolute path of the running
    /// executable (overriding any inherited value, which could point at another build).
    public static func substitutionEnvironment(
        processEnvironment: [String: String]? = nil,
        executablePath: String? = nil
    ) -> [String: String] {
        var environment = processEnvironment ?? ProcessInfo.processInfo.environment
        if let path = executablePath ?? Bundle.main.executablePath ?? CommandLine.arguments.first {
            environment[executableVariable] = FilePathResolution.resolve(path, against: FileManager.default.currentDirectoryPath)
        }
        return environment
    }

    private static func readFile(_ path: String) throws(ConfigError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigError(code: .unreadableFile, file: path, message: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw ConfigError(code: .unreadableFile, file: path, message: "is a directory, not a config file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(code: .unreadableFile, file: path, message: "cannot be read (check its permissions)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(code: .unreadableFile, file: path, message: "is not UTF-8 text")
        }
        return text
    }
}

public import ArgumentParser
import Logging
import Switchboard
import SwitchboardCore
import Foundation

/// Options shared by the commands that read a config file.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Config file (default: switchboard.yaml, or the built-in quick start when that file does not exist).")
    var config: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Option(name: .long, help: "Log format on stderr: text or json (default: the config's log.format, else text).")
    var logFormat: LogConfig.Format?

    /// The file `load` reads, or nil for the built-in quick start.
    var configPath: String? {
        if let config { return config }
        return FileManager.default.fileExists(atPath: "switchboard.yaml") ? "switchboard.yaml" : nil
    }

    /// Loads and validates the config; prints the error (file:line: key: problem) and exits 2.
    func load() throws -> GatewayConfig {
        let environment = ConfigLoader.substitutionEnvironment()
        do {
            if let config {
                return try ConfigLoader.load(path: config, environment: environment)
            }
            if FileManager.default.fileExists(atPath: "switchboard.yaml") {
                return try ConfigLoader.load(path: "switchboard.yaml", environment: environment)
            }
            return try ConfigLoader.parse(yaml: BuiltInConfig.quickstart, path: "(built-in quick start)", environment: environment)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// Logs to stderr at `--log-level`, as `--log-format` says, else as `config`'s `log.format`.
    func bootstrapLogging(_ config: GatewayConfig? = nil) -> Logger {
        let level = logLevel
        switch logFormat ?? config?.log.format ?? .text {
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        case .json:
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        }
        return Logger(label: "switchboard")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension LogConfig.Format: ExpressibleByArgument {}

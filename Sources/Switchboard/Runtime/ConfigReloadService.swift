import Foundation
public import Logging
public import ServiceLifecycle
import SwitchboardAudit
import SwitchboardCore
import UnixSignals

/// Hot reload of the rules: on SIGHUP, and whenever the config file changes on disk, the file
/// is read and validated again and its `policy`, `virtual_servers` and `quotas` replace the ones
/// in force — sessions, connections and upstreams untouched. A file that does not validate
/// changes nothing (logged with its error). Other sections need a restart, and the log says
/// which changed.
public struct ConfigReloadService: Service {
    let path: String
    let environment: [String: String]
    let runtime: GatewayRuntime
    let logger: Logger
    let pollInterval: Duration
    /// The file as the running config was read from it (taken here, not when polling starts,
    /// so an edit made in between is seen as one).
    private let loaded: String?

    public init(path: String, environment: [String: String], runtime: GatewayRuntime, logger: Logger, pollInterval: Duration = .seconds(2)) {
        self.path = path
        self.environment = environment
        self.runtime = runtime
        self.logger = logger
        self.pollInterval = pollInterval
        self.loaded = Self.fingerprint(path)
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.onSignals() }
                group.addTask { await self.onFileChanges() }
            }
        }
    }

    private func onSignals() async {
        for await _ in await UnixSignalsSequence(trapping: .sighup) {
            reload(reason: "SIGHUP")
        }
    }

    /// Polls the file's modification time and size: cheap, and it works on every file system
    /// (inotify does not follow a file replaced by an atomic rename, which editors do).
    private func onFileChanges() async {
        var seen = loaded
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: pollInterval)
            } catch {
                return
            }
            let now = Self.fingerprint(path)
            if now != seen {
                seen = now
                reload(reason: "file changed")
            }
        }
    }

    private static func fingerprint(_ path: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(modified):\(attributes[.size] ?? 0)"
    }

    /// Reads and applies the file once; returns the policy version in force afterwards.
    @discardableResult
    public func reload(reason: String) -> String? {
        let config: GatewayConfig
        do {
            config = try ConfigLoader.load(path: path, environment: environment)
        } catch {
            refused(reason: reason, error: error)
            return nil
        }
        do {
            let version = try runtime.reloadRules(config)
            let needsRestart = runtime.sectionsNeedingRestart(comparedWith: config)
            if !needsRestart.isEmpty {
                logger.warning("config sections changed that apply only after a restart", metadata: [
                    "switchboard.sections": "\(needsRestart.joined(separator: ", "))",
                ])
            }
            logger.info("config reloaded", metadata: ["switchboard.reason": "\(reason)", "switchboard.policy_version": "\(version)"])
            var record = AuditRecord(event: .configReloaded)
            record.policyVersion = version
            record.detail = reason + (needsRestart.isEmpty ? "" : "; sections that apply at the next start: " + needsRestart.joined(separator: ", "))
            runtime.recordAudit(record)
            return version
        } catch {
            refused(reason: reason, error: error)
            return nil
        }
    }

    /// A file that does not validate: logged with the error, recorded without it (an error
    /// names the file, line and key, and the trail keeps no configuration text).
    private func refused(reason: String, error: any Error) {
        logger.error("config reload refused; the rules in force stay", metadata: [
            "switchboard.reason": "\(reason)", "switchboard.error": "\(error)",
        ])
        var record = AuditRecord(event: .configReloadRefused)
        record.policyVersion = runtime.policyVersion
        record.detail = reason + "; the file did not validate (the log says why); the rules in force stay"
        runtime.recordAudit(record)
    }
}

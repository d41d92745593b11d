import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import SwitchboardAudit
import SwitchboardCore
import SwitchboardStore

/// The sinks of one journal as the config names them (`audit.store`, `audit.sinks`), each
/// with its runner: made when the runtime is, so a sink that cannot be set up (an unreadable
/// secret) stops the start with its name; run by `AuditSinksService`.
final class AuditSinkSet: Sendable {
    let runners: [AuditSinkRunner]
    /// The journal's id (`journal.id`), its records' key in the store.
    let journalID: String
    /// The store's index, when `audit.store` is on: what queries read.
    let store: SQLiteStore?

    init(config: AuditConfig, journal: AuditJournal, store: SQLiteStore?, group: any EventLoopGroup, version: String, logger: Logger) throws {
        let id = try AuditJournalIdentity.read(config.journal)
        journalID = id
        self.store = config.storeIndex ? store : nil
        var runners: [AuditSinkRunner] = []
        func runner(_ sink: any AuditSink, batch: Int = 500) {
            runners.append(AuditSinkRunner(
                sink: sink, directory: config.journal, head: { journal.lastSeq }, readable: { journal.syncedSeq }, logger: logger,
                options: .init(batch: batch)
            ))
        }
        if config.storeIndex, let store {
            runner(AuditStoreSink(store: store, journal: id, retention: config.storeRetention), batch: 1000)
        }
        for sink in config.sinks {
            switch sink.kind {
            case .file(let file):
                runner(AuditFileSink(name: sink.name, options: .init(
                    path: file.path, maxBytes: file.maxBytes, rotateEvery: file.rotateEvery, maxFiles: file.maxFiles, maxAge: file.maxAge
                )))
            case .syslog(let syslog):
                let format: AuditSyslogMessage.Format = syslog.format == .cef ? .cef(version: version) : .json
                let message = AuditSyslogMessage(
                    facility: syslog.facility, host: ProcessInfo.processInfo.hostName, appName: syslog.appName,
                    processID: ProcessInfo.processInfo.processIdentifier, format: format
                )
                runner(AuditSyslogSink(
                    name: sink.name, transport: syslog.transport == .udp ? .udp : .tcp, host: syslog.host, port: syslog.port, message: message
                ))
            case .webhook(let webhook):
                runner(try AuditWebhookSink(name: sink.name, config: webhook, journal: id, group: group), batch: webhook.batch)
            case .otlp(let otlp):
                runner(AuditOTLPSink(name: sink.name, config: otlp, journal: id, version: version, group: group))
            }
        }
        self.runners = runners
    }

    var statuses: [AuditSinkRunner.Status] { runners.map(\.status) }
}

/// Runs the sinks from start to stop. It starts before the audit trail's own service, so it
/// stops after the journal is closed: the last rounds copy `audit.closed` too.
struct AuditSinksService: Service {
    let sinks: AuditSinkSet

    func run() async throws {
        for runner in sinks.runners { runner.start() }
        try? await gracefulShutdown()
        // `stop` waits for a round that may be in a network call: off the cooperative pool.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread {
                for runner in sinks.runners { runner.stop() }
                done.resume()
            }.start()
        }
    }
}

/// Somewhere the audit trail is copied to: the embedded store, JSONL files, syslog, a
/// webhook, OTLP logs. A sink never sees a call: its `AuditSinkRunner` reads the journal with
/// the sink's own cursor and hands it records in order, so a slow or broken sink lags behind
/// (and says so) while calls go on.
///
/// Delivery is at least once: a batch that fails is offered again, whole, until it succeeds,
/// and a batch delivered just before a crash may be offered again after it. Sinks that can
/// tell a repeat (the store, keyed by seq) drop it; the others carry the seq for whoever
/// reads them to do so.
package protocol AuditSink: Sendable {
    /// The sink's name in config, metrics (`sink` label) and its cursor file.
    var name: String { get }

    /// The seq of the last record the sink already holds, when it remembers that itself (the
    /// store reads its own table); nil: the runner keeps the cursor in a file.
    func heldCursor() throws -> UInt64?

    /// Takes `entries` (in seq order); throws when they could not all be delivered.
    func deliver(_ entries: [AuditEntry]) throws

    /// Called on a round that found nothing new: time for housekeeping (retention).
    func idle() throws

    /// Lets go of connections and files once the runner has stopped.
    func close()
}

extension AuditSink {
    package func heldCursor() throws -> UInt64? { nil }
    package func idle() throws {}
    package func close() {}
}

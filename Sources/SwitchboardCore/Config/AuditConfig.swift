/// The audit trail (`audit`): on by default, a journal folder beside the config.
public struct AuditConfig: Sendable, Equatable {
    /// What to do when a record cannot be written (`audit.on_failure`).
    public enum FailurePolicy: String, Sendable, Equatable, CaseIterable {
        /// Refuse the call ("audit unavailable"): no call goes unrecorded.
        case failClosed = "fail_closed"
        /// Let the call go on; the failure is counted and logged.
        case failOpen = "fail_open"
    }

    /// When an answer may leave (`audit.mode`).
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        /// Once its `call.end` is in the page cache (survives `kill -9`; a power loss can take
        /// up to `sync_interval`).
        case durable
        /// Once its `call.end` is on disk (fdatasync): survives a power loss, at the price of
        /// a sync's latency per answer (shared by the answers waiting meanwhile).
        case strict
    }

    /// `audit.enabled`.
    public var enabled: Bool
    /// `audit.journal`: the folder of the journal's segment files.
    public var journal: String
    /// `audit.sync_interval`: how often written records are synced to disk (group commit).
    public var syncInterval: Duration
    /// `audit.segment_size`: a segment file is closed and a new one begun past this size.
    public var segmentBytes: Int
    public var onFailure: FailurePolicy
    /// `audit.mode`.
    public var mode: Mode = .durable
    /// `audit.digest_key_file`: the HMAC key of `args_digest` and `result_digest`; nil: a key
    /// the gateway makes once in the journal folder (`digest.key`).
    public var digestKeyFile: String?
    /// `audit.checkpoint_interval`: how often the trail's head is signed (`audit.checkpoint`).
    public var checkpointInterval: Duration
    /// `audit.signing_key_file`: the Ed25519 key (32 bytes) that signs checkpoints; nil: a key
    /// the gateway makes once in the journal folder (`checkpoint.key`).
    public var signingKeyFile: String?
    /// `audit.store`: every record indexed in the embedded store (on by default), for
    /// `audit query` and `/admin/v1/audit`; `retention` deletes older rows there.
    public var storeIndex = true
    public var storeRetention: Duration?
    /// `audit.sinks`.
    public var sinks: [AuditSinkConfig] = []
    /// `audit.capture`: the calls whose payloads the trail keeps (redacted); none by default.
    public var capture: [AuditCaptureConfig] = []

    /// No trail: what a configuration built in code starts with. A configuration file gets
    /// the trail on by default, its journal beside the file (`ConfigLoader`).
    public static let off = AuditConfig(enabled: false, journal: "")

    public init(
        enabled: Bool = true, journal: String, syncInterval: Duration = .milliseconds(100), segmentBytes: Int = 64 << 20,
        onFailure: FailurePolicy = .failClosed, digestKeyFile: String? = nil, checkpointInterval: Duration = .seconds(60),
        signingKeyFile: String? = nil
    ) {
        self.checkpointInterval = checkpointInterval
        self.signingKeyFile = signingKeyFile
        self.enabled = enabled
        self.journal = journal
        self.syncInterval = syncInterval
        self.segmentBytes = segmentBytes
        self.onFailure = onFailure
        self.digestKeyFile = digestKeyFile
    }
}

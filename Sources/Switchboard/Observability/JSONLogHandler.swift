#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import Logging
import NIOCore
import SwitchboardAudit
import SwitchboardCore
import Synchronization

/// `log.format: json`: one JSON object per line on stderr, named after the OpenTelemetry log
/// data model so a collector's JSON parser maps it without rules:
///
///     {"timestamp":"2026-12-06T17:40:00.123456Z","severity_text":"WARN","severity_number":13,
///      "body":"upstream failed","attributes":{"switchboard.server":"crm",…},
///      "instrumentation_scope":"SwitchboardUpstream","logger":"switchboard"}
///
/// Metadata keys (already dotted, `switchboard.server`) become attributes as they are; a
/// `trace_id` or `span_id` in the metadata is lifted to the top level, where the data model
/// puts it. Lines are written whole under one lock, so lines from event loops never interleave.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    private let label: String

    public init(label: String, level: Logger.Level, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.logLevel = level
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var line = Self.line(
            time: AuditTime.nowMicroseconds(), level: event.level, message: "\(event.message)", metadata: merged, source: event.source, label: label
        )
        line.writeInteger(UInt8(ascii: "\n"))
        Self.emit(line)
    }

    /// One log line without its newline.
    static func line(time: Int64, level: Logger.Level, message: String, metadata: Logger.Metadata, source: String, label: String) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.field("timestamp", AuditTime.rfc3339(time))
        w.field("severity_text", severityText(level))
        w.field("severity_number", severityNumber(level))
        w.field("body", message)
        var attributes = metadata
        for key in ["trace_id", "span_id"] {
            if let value = attributes.removeValue(forKey: key) { w.field(key, "\(value)") }
        }
        if !attributes.isEmpty {
            w.key("attributes")
            writeMetadata(attributes, into: &w)
        }
        w.field("instrumentation_scope", source)
        w.field("logger", label)
        w.endObject()
        return w.buffer
    }

    private static func writeMetadata(_ metadata: Logger.Metadata, into w: inout JSONWriter) {
        w.beginObject()
        for key in metadata.keys.sorted() {
            w.key(key)
            writeValue(metadata[key]!, into: &w)
        }
        w.endObject()
    }

    private static func writeValue(_ value: Logger.Metadata.Value, into w: inout JSONWriter) {
        switch value {
        case .string(let text): w.string(text)
        case .stringConvertible(let convertible): w.string(convertible.description)
        case .dictionary(let nested): writeMetadata(nested, into: &w)
        case .array(let items):
            w.beginArray()
            for item in items { writeValue(item, into: &w) }
            w.endArray()
        }
    }

    /// The data model's short names (`SeverityText`) and numbers (`SeverityNumber`, 1–24).
    static func severityText(_ level: Logger.Level) -> String {
        switch level {
        case .trace: "TRACE"
        case .debug: "DEBUG"
        case .info: "INFO"
        case .notice: "INFO2"
        case .warning: "WARN"
        case .error: "ERROR"
        case .critical: "FATAL"
        }
    }

    static func severityNumber(_ level: Logger.Level) -> Int {
        switch level {
        case .trace: 1
        case .debug: 5
        case .info: 9
        case .notice: 10
        case .warning: 13
        case .error: 17
        case .critical: 21
        }
    }

    private static let output = Mutex(())

    private static func emit(_ line: ByteBuffer) {
        output.withLock { _ in
            line.withUnsafeReadableBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let count = write(STDERR_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                    if count < 0 {
                        if errno == EINTR { continue }
                        return  // stderr gone: nothing else to tell
                    }
                    offset += count
                }
            }
        }
    }
}

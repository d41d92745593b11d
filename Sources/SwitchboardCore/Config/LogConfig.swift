/// The gateway's own log (`log`).
public struct LogConfig: Sendable, Equatable {
    /// `log.format`: how each line is written on stderr.
    public enum Format: String, Sendable, Equatable, CaseIterable {
        /// `2026-12-06T17:40:00+0000 info switchboard: key=value [Module] message`, for people.
        case text
        /// One JSON object per line, named after the OpenTelemetry log data model, for collectors.
        case json
    }

    public var format: Format

    public init(format: Format = .text) {
        self.format = format
    }
}

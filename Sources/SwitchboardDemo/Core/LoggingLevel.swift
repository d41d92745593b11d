/// MCP log levels (RFC 5424 severities), least severe first.
enum LoggingLevel: String, Sendable, CaseIterable, Comparable {
    case debug, info, notice, warning, error, critical, alert, emergency

    private var severity: Int {
        LoggingLevel.allCases.firstIndex(of: self) ?? 0
    }

    static func < (lhs: LoggingLevel, rhs: LoggingLevel) -> Bool {
        lhs.severity < rhs.severity
    }
}

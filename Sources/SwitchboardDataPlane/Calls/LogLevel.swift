/// RFC 5424 levels as MCP uses them (`logging/setLevel`, `notifications/message`).
enum LogLevel {
    static let names = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]

    static func rank(_ level: String) -> Int? { names.firstIndex(of: level) }
}

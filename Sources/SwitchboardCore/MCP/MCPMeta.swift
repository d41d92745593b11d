/// `_meta` keys of the 2026-07-28 revision (spec digest §2.2).
public enum MCPMeta {
    public static let protocolVersion = "io.modelcontextprotocol/protocolVersion"
    public static let clientCapabilities = "io.modelcontextprotocol/clientCapabilities"
    public static let clientInfo = "io.modelcontextprotocol/clientInfo"
    public static let logLevel = "io.modelcontextprotocol/logLevel"
    public static let serverInfo = "io.modelcontextprotocol/serverInfo"
    public static let subscriptionID = "io.modelcontextprotocol/subscriptionId"
    /// The tasks extension's key in `capabilities.extensions` (digest §4.5).
    public static let tasksExtension = "io.modelcontextprotocol/tasks"
}

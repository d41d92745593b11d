public import SwitchboardCore

/// A tool's behaviour hints as policy sees them, with the MCP defaults filled in for hints the
/// tool does not declare. Read once when the catalogue is built, not per call.
public struct ToolAnnotations: Sendable, Hashable {
    public var readOnly: Bool
    public var destructive: Bool
    public var idempotent: Bool
    public var openWorld: Bool

    /// The MCP defaults: a tool that says nothing may write, destroy, repeat effects and reach
    /// the outside world.
    public init(readOnly: Bool = false, destructive: Bool = true, idempotent: Bool = false, openWorld: Bool = true) {
        self.readOnly = readOnly
        self.destructive = destructive
        self.idempotent = idempotent
        self.openWorld = openWorld
    }

    /// Reads a tool's `annotations` object; a missing object, a missing hint or a hint that is
    /// not a boolean keeps its default.
    public init(parsing annotations: JSONView?) {
        self.init()
        guard let annotations, annotations.isObject else { return }
        if let value = annotations["readOnlyHint"]?.bool { readOnly = value }
        if let value = annotations["destructiveHint"]?.bool { destructive = value }
        if let value = annotations["idempotentHint"]?.bool { idempotent = value }
        if let value = annotations["openWorldHint"]?.bool { openWorld = value }
    }
}

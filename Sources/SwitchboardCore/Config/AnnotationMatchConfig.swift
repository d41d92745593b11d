/// `annotations` of a policy rule: each hint that is set must equal the tool's. A hint the tool
/// does not declare counts as its MCP default (readOnlyHint false, destructiveHint true,
/// idempotentHint false, openWorldHint true), so a rule on `destructiveHint: true` also catches
/// tools that say nothing.
public struct AnnotationMatchConfig: Sendable, Equatable {
    public var readOnlyHint: Bool?
    public var destructiveHint: Bool?
    public var idempotentHint: Bool?
    public var openWorldHint: Bool?

    public init(readOnlyHint: Bool? = nil, destructiveHint: Bool? = nil, idempotentHint: Bool? = nil, openWorldHint: Bool? = nil) {
        self.readOnlyHint = readOnlyHint
        self.destructiveHint = destructiveHint
        self.idempotentHint = idempotentHint
        self.openWorldHint = openWorldHint
    }

    /// True when no hint is set: the rule does not look at annotations.
    public var isEmpty: Bool {
        readOnlyHint == nil && destructiveHint == nil && idempotentHint == nil && openWorldHint == nil
    }
}

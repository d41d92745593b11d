/// One entry of `policy.rules`. It matches a call when every matcher that is present holds:
/// the caller and route (`match`), the tool's annotations and the call's arguments.
public struct PolicyRuleConfig: Sendable, Equatable {
    /// `id`: unique within the policy, `[A-Za-z0-9._-]+`; decisions and audit records name it.
    public var id: String
    /// `description`: free text for people; not part of the policy version.
    public var description: String?
    public var effect: PolicyEffect
    /// `principals`, `roles`, `tenants`, `virtual_servers`, `servers`, `tools`.
    public var match: CallMatchConfig
    /// `annotations`: tool hints that must have these values.
    public var annotations: AnnotationMatchConfig
    /// `arguments`: every predicate must hold.
    public var arguments: [ArgumentPredicateConfig]
    /// `approval`: who decides, for `require_approval` (nil: one person, in the client).
    public var approval: ApprovalTerms?

    public init(
        id: String,
        description: String? = nil,
        effect: PolicyEffect,
        match: CallMatchConfig = .init(),
        annotations: AnnotationMatchConfig = .init(),
        arguments: [ArgumentPredicateConfig] = [],
        approval: ApprovalTerms? = nil
    ) {
        self.id = id
        self.description = description
        self.effect = effect
        self.match = match
        self.annotations = annotations
        self.arguments = arguments
        self.approval = approval
    }

    /// The syntax of rule and limit ids, shared with the schema.
    public static let idPattern = "^[A-Za-z0-9._-]+$"

    /// Whether `id` is a valid rule or limit id; ids appear in errors, metrics and audit, so
    /// they stay plain.
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty
            && id.unicodeScalars.allSatisfy { scalar in
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                    || scalar == "." || scalar == "_" || scalar == "-"
            }
    }
}

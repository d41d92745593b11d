/// Protocol revisions, oldest first.
public enum ProtocolRevision {
    /// Revisions negotiated through `initialize` that the gateway serves and speaks upstream.
    public static let legacy = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"]
    public static let latestLegacy = "2025-11-25"
    /// Stateless revisions: version and capabilities travel in every request's `_meta`.
    public static let modern = ["2026-07-28"]
    public static let latestModern = "2026-07-28"

    /// The version to answer an `initialize` offering `requested`: the same if supported,
    /// otherwise our newest (the client then decides whether to continue).
    public static func negotiate(_ requested: String?) -> String {
        guard let requested, legacy.contains(requested) else { return latestLegacy }
        return requested
    }

    /// Whether `MCP-Protocol-Version` is sent and checked on HTTP for this revision.
    public static func usesVersionHeader(_ revision: String) -> Bool {
        revision >= "2025-06-18"
    }
}

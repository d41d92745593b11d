/// The MCP revisions the demo server speaks, oldest first.
enum ProtocolRevision: String, Sendable, CaseIterable, Comparable {
    case v2024_11_05 = "2024-11-05"
    case v2025_03_26 = "2025-03-26"
    case v2025_06_18 = "2025-06-18"
    case v2025_11_25 = "2025-11-25"

    static let latest: ProtocolRevision = .v2025_11_25

    /// Tool annotations, audio content, progress `message` and the `completions` capability.
    var hasAnnotations: Bool { self >= .v2025_03_26 }
    /// `title` fields, `outputSchema` and `structuredContent`.
    var hasTitlesAndStructuredContent: Bool { self >= .v2025_06_18 }

    static func < (lhs: ProtocolRevision, rhs: ProtocolRevision) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}

import NIOCore
import SwitchboardCore

@testable import SwitchboardGuards

/// Catalogues for scanner tests, written as JSON the way servers send them.
enum Definitions {
    static func catalogue(_ json: String) throws -> GuardCatalogue {
        try GuardCatalogue.parse(ByteBuffer(string: json))
    }

    /// One server `s` with one tool.
    static func tool(name: String = "add_note", description: String, extra: String = "") throws -> GuardCatalogue {
        let escaped = JSONWriter.quoted(description)
        return try catalogue(#"{"servers": {"s": [{"name": "\#(name)", "description": \#(escaped), "inputSchema": {"type": "object"}\#(extra)}]}}"#)
    }

    static func scan(_ catalogue: GuardCatalogue, accepted: Set<AcceptedFinding> = []) -> GuardReport {
        DefinitionScanner().scan(catalogue, accepted: accepted)
    }

    /// The item named `name` of server `server`.
    static func item(_ report: GuardReport, _ server: String, _ name: String) -> GuardReport.Item? {
        report.servers.first { $0.name == server }?.items.first { $0.name == name }
    }
}

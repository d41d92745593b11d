import SwitchboardCore
import SwitchboardPolicy
import Synchronization

/// Every tool's hints (`readOnlyHint`, `destructiveHint`, …) by federated name, taken from the
/// tools lists as they pass, so a call is judged on the hints its tool was listed with. A tool
/// not listed yet has the MCP defaults, the most cautious reading.
final class ToolAnnotationIndex: Sendable {
    private let hints = Mutex<[String: ToolAnnotations]>([:])

    func annotations(of federatedName: String) -> ToolAnnotations {
        hints.withLock { $0[federatedName] } ?? ToolAnnotations()
    }

    func isListed(_ federatedName: String) -> Bool {
        hints.withLock { $0[federatedName] != nil }
    }

    /// Records the tools of one server's page (names as the server spells them).
    func record(server: String, page: JSONView) {
        guard let tools = page["tools"]?.elements, !tools.isEmpty else { return }
        var found: [(String, ToolAnnotations)] = []
        found.reserveCapacity(tools.count)
        for tool in tools {
            guard let name = tool["name"]?.string else { continue }
            found.append((FederatedName.join(server: server, name: name), ToolAnnotations(parsing: tool["annotations"])))
        }
        hints.withLock { index in
            for (name, annotations) in found { index[name] = annotations }
        }
    }
}

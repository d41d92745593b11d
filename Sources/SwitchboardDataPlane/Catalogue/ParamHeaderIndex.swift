import NIOCore
import SwitchboardCore
import Synchronization

/// Which tools declare `x-mcp-header` arguments (spec digest §1.4), by canonical name, so the
/// front door can check a 2026-07-28 client's `Mcp-Param-*` headers against the body. Filled
/// from the tool pages servers return; a tool never listed through the gateway is not checked
/// (the gateway cannot know its schema).
package final class ParamHeaderIndex: Sendable {
    package struct Param: Sendable, Equatable {
        /// The argument (a property of the input schema's root).
        package var property: String
        /// `X` in `Mcp-Param-X`.
        package var header: String
    }

    private static let marker = Array("x-mcp-header".utf8)
    private let byTool = Mutex<[String: [Param]]>([:])

    /// Records the annotated tools of one page of `server`'s `tools/list`. Pages without the
    /// marker cost one byte search, and clear what that page's tools declared before.
    func record(server: String, page: JSONView) {
        let bytes = page.bytes
        let marked = bytes.containsBytes(Self.marker)
        if !marked, byTool.withLock({ $0.isEmpty }) { return }
        var found: [String: [Param]] = [:]
        var seen: [String] = []
        for tool in page["tools"]?.elements ?? [] {
            guard let name = tool["name"]?.string else { continue }
            let federated = FederatedName.join(server: server, name: name)
            seen.append(federated)
            guard marked, let properties = tool["inputSchema"]?["properties"] else { continue }
            var params: [Param] = []
            for (property, schema) in properties.members {
                if let header = schema["x-mcp-header"]?.string { params.append(Param(property: property, header: header)) }
            }
            if !params.isEmpty { found[federated] = params }
        }
        byTool.withLock { index in
            for name in seen { index[name] = found[name] }
        }
    }

    /// The annotated arguments of `tool` (canonical name).
    func params(for tool: String) -> [Param] {
        byTool.withLock { $0[tool] ?? [] }
    }

    /// Whether any tool listed declares one: calls need no lookup otherwise.
    var isEmpty: Bool { byTool.withLock { $0.isEmpty } }
}

import NIOCore
import SwitchboardCore
import SwitchboardUpstream

/// What the gateway offers clients: the honest union of what its servers offer, told through
/// `initialize` to legacy clients and `server/discover` to 2026-07-28 clients.
struct CapabilityUnion {
    var tools = false
    var prompts = false
    var resources = false
    var subscribe = false
    var logging = false
    var completions = false
    /// Some 2026-07-28 server offers the tasks extension.
    var tasks = false
    var instructions: [String] = []

    /// `admitInstructions` says whether a server's instructions may reach clients (the guards'
    /// pin of them; nil: all may).
    init(_ servers: [UpstreamServer], admitInstructions: ((_ server: String, _ text: String) -> Bool)? = nil) {
        for server in servers {
            guard let result = server.initializeResult else { continue }
            let caps = result["capabilities"]
            tools = tools || caps?["tools"] != nil
            prompts = prompts || caps?["prompts"] != nil
            resources = resources || caps?["resources"] != nil
            subscribe = subscribe || caps?["resources"]?["subscribe"]?.bool == true
            logging = logging || caps?["logging"] != nil
            completions = completions || caps?["completions"] != nil
            tasks = tasks || caps?["extensions"]?[MCPMeta.tasksExtension] != nil
            if let text = result["instructions"]?.string, !text.isEmpty, admitInstructions?(server.name, text) ?? true {
                instructions.append("## \(server.name)\n\(text)")
            }
        }
    }

    /// The `capabilities` object. `listChanged` is always true where a list is offered: the
    /// gateway emits its own changes (servers restarting, coming and going).
    func write(into w: inout JSONWriter, revision: String) {
        w.key("capabilities")
        w.beginObject()
        if tools { w.field("tools", raw: #"{"listChanged":true}"#) }
        if prompts { w.field("prompts", raw: #"{"listChanged":true}"#) }
        if resources { w.field("resources", raw: subscribe ? #"{"subscribe":true,"listChanged":true}"# : #"{"listChanged":true}"#) }
        if logging { w.field("logging", raw: "{}") }
        // `completions` was added in 2025-03-26; 2024-11-05 clients call the method without it.
        if completions && revision >= "2025-03-26" { w.field("completions", raw: "{}") }
        // Tasks pass through only between 2026-07-28 ends; legacy clients never see them.
        if tasks && ProtocolRevision.modern.contains(revision) { w.field("extensions", raw: #"{""# + MCPMeta.tasksExtension + #"":{}}"#) }
        w.endObject()
    }

    var instructionsText: String? {
        guard !instructions.isEmpty else { return nil }
        return "This gateway federates several MCP servers; tool and prompt names are prefixed with the server key.\n\n"
            + instructions.joined(separator: "\n\n")
    }
}

extension CapabilityUnion {
    /// The `initialize` result for a legacy client at `revision`.
    func initializeResult(revision: String, serverInfo: String) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.field("protocolVersion", revision)
        write(into: &w, revision: revision)
        w.field("serverInfo", raw: serverInfo)
        if let text = instructionsText, revision >= "2025-03-26" { w.field("instructions", text) }
        w.endObject()
        return w.buffer
    }

    /// The `server/discover` result (digest §2.3): the versions served and the same union.
    /// `resultType`, cache hints and `serverInfo` are added with every other 2026-07-28 result.
    func discoverResult(revision: String) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.key("supportedVersions")
        w.beginArray()
        for version in ProtocolRevision.modern { w.string(version) }
        w.endArray()
        write(into: &w, revision: revision)
        if let text = instructionsText { w.field("instructions", text) }
        w.endObject()
        return w.buffer
    }
}

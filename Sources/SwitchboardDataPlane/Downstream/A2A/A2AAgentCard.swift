import NIOCore
import SwitchboardCore

/// An agent card (A2A 1.0 §5.5): the gateway (`/a2a`) or one virtual server (`/a2a/{name}`)
/// as an agent, each tool the caller may call a skill. The public card of a gateway that
/// wants credentials lists no skills: the catalogue is for callers it knows, who get it from
/// `GetExtendedAgentCard`. Both revisions are offered on one JSON-RPC URL.
struct A2AAgentCard {
    var name: String
    var description: String
    /// The JSON-RPC endpoint, absolute.
    var url: String
    var version: String
    /// The caller's tools (`tools/list` items); nil for the public card of a gateway that
    /// wants credentials.
    var tools: [JSONView]?
    var wantsCredentials: Bool
    var acceptsAPIKeys: Bool

    func json() -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.field("name", name)
        w.field("description", description)
        w.key("supportedInterfaces")
        w.beginArray()
        for revision in ["1.0", "0.3"] {
            w.beginObject()
            w.field("url", url)
            w.field("protocolBinding", "JSONRPC")
            w.field("protocolVersion", revision)
            w.endObject()
        }
        w.endArray()
        w.field("version", version)
        w.key("capabilities")
        w.beginObject()
        w.field("streaming", true)
        w.field("pushNotifications", false)
        w.field("extendedAgentCard", true)
        w.endObject()
        w.field("defaultInputModes", raw: #"["application/json","text/plain"]"#)
        w.field("defaultOutputModes", raw: #"["application/json","text/plain"]"#)
        if wantsCredentials {
            w.key("securitySchemes")
            w.beginObject()
            w.field("bearer", raw: #"{"httpAuthSecurityScheme":{"scheme":"Bearer","description":"A Switchboard API key or a JWT from the gateway's identity provider"}}"#)
            if acceptsAPIKeys { w.field("apiKey", raw: #"{"apiKeySecurityScheme":{"location":"header","name":"X-API-Key"}}"#) }
            w.endObject()
            // Either scheme will do.
            let bearer = #"{"schemes":{"bearer":{"list":[]}}}"#
            w.field("securityRequirements", raw: "[" + bearer + (acceptsAPIKeys ? #",{"schemes":{"apiKey":{"list":[]}}}"# : "") + "]")
        }
        w.key("skills")
        w.beginArray()
        for tool in tools ?? [] {
            guard let name = tool["name"]?.string else { continue }
            w.beginObject()
            w.field("id", name)
            w.field("name", tool["title"]?.string ?? tool["annotations"]?["title"]?.string ?? name)
            w.field("description", tool["description"]?.string ?? name)
            w.field("tags", raw: #"["mcp-tool"]"#)
            w.field("examples", raw: "[" + JSONWriter.quoted(#"{"skill":"# + JSONWriter.quoted(name) + #","arguments":{…}}"#) + "]")
            w.field("inputModes", raw: #"["application/json"]"#)
            w.field("outputModes", raw: #"["application/json","text/plain"]"#)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.buffer
    }
}

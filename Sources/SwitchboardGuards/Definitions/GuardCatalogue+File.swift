package import NIOCore
import SwitchboardCore

extension GuardCatalogue {
    /// The catalogue in a file `switchboard scan` reads: a JSON array of MCP `Tool` objects, a
    /// `tools/list` result (`{"tools": […]}`), or `{"servers": {"NAME": [tools…] | {"tools":
    /// […], "prompts": […], "resources": […], "resourceTemplates": […], "instructions": "…"}}}`.
    /// A lone list is the server `single` (`scan --name`).
    package static func parse(_ document: ByteBuffer, single: String = "server") throws(GuardInputError) -> GuardCatalogue {
        let root: JSONView
        do {
            root = try JSONView.parse(document)
        } catch {
            throw GuardInputError("not JSON: \(error)")
        }
        if root.isArray { return GuardCatalogue(servers: [try server(single, tools: root, at: "the array")]) }
        guard root.isObject else { throw GuardInputError("expected an array of tools or an object with tools or servers, found \(root.kind)") }
        if let servers = root["servers"] {
            guard servers.isObject else { throw GuardInputError("servers is not an object of server names") }
            var out: [Server] = []
            for (name, value) in servers.members {
                guard !out.contains(where: { $0.name == name }) else { throw GuardInputError("servers.\(name) appears twice") }
                if value.isArray {
                    out.append(try server(name, tools: value, at: "servers.\(name)"))
                } else if value.isObject {
                    out.append(try server(name, lists: value, at: "servers.\(name)"))
                } else {
                    throw GuardInputError("servers.\(name) is neither an array of tools nor an object with tools")
                }
            }
            return GuardCatalogue(servers: out)
        }
        guard root["tools"] != nil || root["prompts"] != nil || root["resources"] != nil else {
            throw GuardInputError("expected an array of tools, an object with tools, or an object with servers")
        }
        return GuardCatalogue(servers: [try server(single, lists: root, at: "the file")])
    }

    private static func server(_ name: String, tools: JSONView, at path: String) throws(GuardInputError) -> Server {
        Server(name: name, tools: try definitions(tools, named: "name", at: path))
    }

    private static func server(_ name: String, lists: JSONView, at path: String) throws(GuardInputError) -> Server {
        var server = Server(name: name)
        if let tools = lists["tools"] { server.tools = try definitions(tools, named: "name", at: path + ".tools") }
        if let prompts = lists["prompts"] { server.prompts = try definitions(prompts, named: "name", at: path + ".prompts") }
        if let resources = lists["resources"] { server.resources = try definitions(resources, named: "uri", at: path + ".resources") }
        if let templates = lists["resourceTemplates"] { server.resources += try definitions(templates, named: "uriTemplate", at: path + ".resourceTemplates") }
        if let instructions = lists["instructions"] {
            guard let text = instructions.string else { throw GuardInputError("\(path).instructions is not a string") }
            server.instructions = text
        }
        return server
    }

    private static func definitions(_ list: JSONView, named key: String, at path: String) throws(GuardInputError) -> [JSONView] {
        guard list.isArray else { throw GuardInputError("\(path) is not an array") }
        var out: [JSONView] = []
        for (i, element) in list.elements.enumerated() {
            guard element.isObject else { throw GuardInputError("\(path)[\(i)] is not an object") }
            guard element[key]?.string != nil else { throw GuardInputError("\(path)[\(i)] has no \(key) string") }
            out.append(element)
        }
        return out
    }
}

/// A scan input that cannot be read, and what is wrong with it.
package struct GuardInputError: Error, CustomStringConvertible, Equatable {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}

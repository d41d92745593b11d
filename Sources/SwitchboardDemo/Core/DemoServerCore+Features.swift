extension DemoServerCore {
    func listTools(_ context: RequestContext) throws(JSONRPCError) -> JSONValue {
        try Self.rejectCursor(context.request.params)
        return ["tools": .array(tools.map { $0.definition(for: context.revision) })]
    }

    /// `tools/call`: an unknown tool is a protocol error (-32602); bad arguments and failures
    /// inside the tool are `isError` results the model can read and correct (SEP-1303).
    func callTool(_ context: RequestContext) async throws -> JSONValue {
        let params = context.request.params
        guard let name = params["name"]?.stringValue else {
            throw JSONRPCError.invalidParams("Invalid params: name must be a string")
        }
        guard let tool = tools.first(where: { $0.name == name }) else {
            throw JSONRPCError.invalidParams("Unknown tool: \(name)")
        }
        let arguments: [String: JSONValue]
        switch params["arguments"] {
        case nil, .null?: arguments = [:]
        case .object(let members)?: arguments = members
        case .some:
            throw JSONRPCError.invalidParams("Invalid params: arguments must be an object")
        }
        let result: ToolResult
        do {
            result = try await tool.run(ToolArguments(arguments, schema: tool.inputSchema), context)
        } catch let error as ToolInputError {
            result = .failure(error.message)
        }
        return result.json(for: context.revision)
    }

    func listResources(_ context: RequestContext) throws(JSONRPCError) -> JSONValue {
        try Self.rejectCursor(context.request.params)
        return ["resources": .array([resources.readme(for: context.revision)])]
    }

    func listResourceTemplates(_ context: RequestContext) throws(JSONRPCError) -> JSONValue {
        try Self.rejectCursor(context.request.params)
        return ["resourceTemplates": .array([resources.noteTemplate(for: context.revision)])]
    }

    func listPrompts(_ context: RequestContext) throws(JSONRPCError) -> JSONValue {
        try Self.rejectCursor(context.request.params)
        return ["prompts": .array([prompts.explain(for: context.revision)])]
    }

    /// `completion/complete` for the `explain` prompt's arguments and the note template's `id`.
    func complete(_ context: RequestContext) throws(JSONRPCError) -> JSONValue {
        let params = context.request.params
        guard let ref = params["ref"], let type = ref["type"]?.stringValue,
            let argument = params["argument"], let argumentName = argument["name"]?.stringValue,
            let value = argument["value"]?.stringValue
        else {
            throw JSONRPCError.invalidParams("Invalid params: ref.type, argument.name and argument.value are required")
        }
        let candidates: [String]
        switch type {
        case "ref/prompt":
            guard let name = ref["name"]?.stringValue, name == prompts.name else {
                throw JSONRPCError.invalidParams("Unknown prompt: \(ref["name"]?.stringValue ?? "")")
            }
            candidates = try prompts.completions(for: argumentName)
        case "ref/resource":
            guard let uri = ref["uri"]?.stringValue, uri == resources.noteTemplateURI else {
                throw JSONRPCError.invalidParams("Unknown resource template: \(ref["uri"]?.stringValue ?? "")")
            }
            guard argumentName == "id" else {
                throw JSONRPCError.invalidParams("Unknown template variable: \(argumentName)")
            }
            candidates = DemoResources.suggestedNoteIDs
        default:
            throw JSONRPCError.invalidParams("Invalid params: unknown reference type \(type)")
        }
        let matches = candidates.filter { $0.lowercased().hasPrefix(value.lowercased()) }
        let values = Array(matches.prefix(100))
        return [
            "completion": [
                "values": .array(values.map(JSONValue.string)),
                "total": .integer(Int64(matches.count)),
                "hasMore": .bool(matches.count > values.count),
            ]
        ]
    }
}

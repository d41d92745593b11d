extension DemoServerCore {
    /// `initialize`: echo the client's revision when it is one we speak, otherwise offer our newest.
    func initialize(_ context: RequestContext) throws(JSONRPCError) -> JSONValue {
        let params = context.request.params
        guard let requested = params["protocolVersion"]?.stringValue else {
            throw JSONRPCError.invalidParams("Invalid params: protocolVersion must be a string")
        }
        if let clientInfo = params["clientInfo"], clientInfo.objectValue == nil {
            throw JSONRPCError.invalidParams("Invalid params: clientInfo must be an object")
        }
        let revision = ProtocolRevision(rawValue: requested) ?? .latest
        context.session.negotiate(revision)

        var capabilities: [String: JSONValue] = [
            "tools": ["listChanged": false],
            "resources": ["subscribe": false, "listChanged": false],
            "prompts": ["listChanged": false],
            "logging": [:],
        ]
        // completion/complete exists in 2024-11-05, but its capability flag only from 2025-03-26.
        if revision.hasAnnotations { capabilities["completions"] = [:] }

        var serverInfo: [String: JSONValue] = ["name": .string(options.name), "version": .string(options.version)]
        if revision.hasTitlesAndStructuredContent { serverInfo["title"] = "Switchboard demo server" }
        if revision >= .v2025_11_25 {
            serverInfo["description"] = "A small MCP server built into Switchboard for quick starts and tests."
        }

        var result: [String: JSONValue] = [
            "protocolVersion": .string(revision.rawValue),
            "capabilities": .object(capabilities),
            "serverInfo": .object(serverInfo),
        ]
        if revision.hasAnnotations {
            result["instructions"] = .string(
                "Demo tools: echo, add, now, countdown (reports progress), word_count. "
                    + "Read \(resources.readmeURI) for an overview."
            )
        }
        return .object(result)
    }

    /// `logging/setLevel`: from now on, send log messages at this level and above.
    func setLogLevel(_ context: RequestContext) throws(JSONRPCError) -> JSONValue {
        guard let name = context.request.params["level"]?.stringValue, let level = LoggingLevel(rawValue: name) else {
            let levels = LoggingLevel.allCases.map(\.rawValue).joined(separator: ", ")
            throw JSONRPCError.invalidParams("Invalid params: level must be one of \(levels)")
        }
        context.session.setLogLevel(level)
        return [:]
    }
}

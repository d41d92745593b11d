/// One request being served: what it asked, the session it belongs to, and where its notifications go.
struct RequestContext: Sendable {
    let request: JSONRPCRequest
    let session: DemoSession
    let environment: DemoEnvironment
    let notify: NotificationSink

    var revision: ProtocolRevision { session.revision }

    /// Sends `notifications/progress` if the request asked for progress with a `progressToken`.
    func progress(_ progress: Int, total: Int, message: String) async {
        guard let token = request.progressToken else { return }
        var params: [String: JSONValue] = [
            "progressToken": token, "progress": .integer(Int64(progress)), "total": .integer(Int64(total)),
        ]
        if revision.hasAnnotations { params["message"] = .string(message) }
        await notify(JSONRPCEnvelope.notification("notifications/progress", params))
    }

    /// Sends `notifications/message` if the client asked for this level with `logging/setLevel`.
    func log(_ level: LoggingLevel, logger: String, _ data: String) async {
        guard let threshold = session.logLevel, level >= threshold else { return }
        let params: [String: JSONValue] = ["level": .string(level.rawValue), "logger": .string(logger), "data": .string(data)]
        await notify(JSONRPCEnvelope.notification("notifications/message", params))
    }
}

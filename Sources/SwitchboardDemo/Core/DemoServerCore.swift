import Foundation

/// Sends one server→client notification on the stream that belongs to the request being served.
typealias NotificationSink = @Sendable (JSONValue) async -> Void

/// The demo server's MCP logic, independent of any transport: a transport decodes a message, hands
/// it here with the session it belongs to and a sink for notifications, and writes back what it returns.
struct DemoServerCore: Sendable {
    let options: DemoServerOptions
    let environment: DemoEnvironment
    let tools: [DemoTool]
    let resources: DemoResources
    let prompts: DemoPrompts

    init(options: DemoServerOptions, environment: DemoEnvironment = DemoEnvironment()) {
        self.options = options
        self.environment = environment
        self.tools = DemoTool.catalogue
        self.resources = DemoResources(serverName: options.name)
        self.prompts = DemoPrompts()
    }

    /// Handles any message; returns the response to send, or `nil` when there is none
    /// (notifications, client responses, cancelled requests).
    func handle(_ message: JSONRPCMessage, in session: DemoSession, notify: @escaping NotificationSink) async
        -> JSONValue?
    {
        switch message {
        case .request(let request):
            return await respond(to: request, in: session, notify: notify)
        case .notification(let method, let params):
            receive(method: method, params: params, in: session)
            return nil
        case .response:
            return nil
        }
    }

    /// Serves one request. A request that `notifications/cancelled` names stops and returns `nil`.
    func respond(to request: JSONRPCRequest, in session: DemoSession, notify: @escaping NotificationSink) async
        -> JSONValue?
    {
        let context = RequestContext(request: request, session: session, environment: environment, notify: notify)
        // initialize MUST NOT be cancelled, and it is instantaneous: run it inline.
        if request.method == "initialize" {
            return Self.envelope(id: request.id, Result { () throws(JSONRPCError) in try initialize(context) })
        }
        // An unstructured task gives notifications/cancelled a handle on this one request. It is
        // awaited right below, and cancelled with its caller, so it never outlives this call.
        let work = Task { try await dispatch(context) }
        guard session.begin(request.id, cancel: { work.cancel() }) else {
            work.cancel()
            return JSONRPCEnvelope.error(
                id: request.id,
                .invalidRequest("Invalid request: id \(request.id) is already in use by a running request")
            )
        }
        let outcome = await withTaskCancellationHandler {
            await work.result
        } onCancel: {
            work.cancel()
        }
        let cancelledByClient = session.end(request.id)
        if cancelledByClient || Task.isCancelled { return nil }
        switch outcome {
        case .success(let result):
            return JSONRPCEnvelope.result(id: request.id, result)
        case .failure(let error as JSONRPCError):
            return JSONRPCEnvelope.error(id: request.id, error)
        case .failure(is CancellationError):
            return nil
        case .failure(let error):
            return JSONRPCEnvelope.error(id: request.id, .internalError("Internal error: \(error)"))
        }
    }

    /// Applies a client notification. Unknown notifications are ignored, as JSON-RPC requires.
    func receive(method: String, params: [String: JSONValue], in session: DemoSession) {
        switch method {
        case "notifications/initialized":
            session.markInitialized()
        case "notifications/cancelled":
            if let id = params["requestId"].flatMap(RequestID.init) { session.cancel(id) }
        default:
            break
        }
    }

    private func dispatch(_ context: RequestContext) async throws -> JSONValue {
        let params = context.request.params
        switch context.request.method {
        case "ping": return [:]
        case "logging/setLevel": return try setLogLevel(context)
        case "tools/list": return try listTools(context)
        case "tools/call": return try await callTool(context)
        case "resources/list": return try listResources(context)
        case "resources/templates/list": return try listResourceTemplates(context)
        case "resources/read": return try resources.read(params)
        case "prompts/list": return try listPrompts(context)
        case "prompts/get": return try prompts.get(params)
        case "completion/complete": return try complete(context)
        default: throw JSONRPCError.methodNotFound(context.request.method)
        }
    }

    private static func envelope(id: RequestID, _ result: Result<JSONValue, JSONRPCError>) -> JSONValue {
        switch result {
        case .success(let value): JSONRPCEnvelope.result(id: id, value)
        case .failure(let error): JSONRPCEnvelope.error(id: id, error)
        }
    }

    /// List methods return everything in one page, so any cursor is one the server never issued.
    static func rejectCursor(_ params: [String: JSONValue]) throws(JSONRPCError) {
        if let cursor = params["cursor"], cursor != .null {
            throw JSONRPCError.invalidParams("Invalid params: unknown cursor")
        }
    }
}

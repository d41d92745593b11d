import NIOCore
import SwitchboardCore

/// An A2A JSON-RPC error (A2A 1.0 §9.5 codes, JSON-RPC's own below them).
struct A2AError: Error, Sendable {
    var code: Int
    var message: String

    static let taskNotFound = -32001
    static let taskNotCancelable = -32002
    static let pushNotificationNotSupported = -32003
    static let unsupportedOperation = -32004
    static let versionNotSupported = -32009

    static func invalidParams(_ message: String) -> A2AError { A2AError(code: JSONRPCErrorCode.invalidParams, message: message) }
    static func notFound(_ id: String) -> A2AError { A2AError(code: taskNotFound, message: "Task not found: \(id)") }
}

/// What an A2A request asks, by method, in either revision's name.
enum A2AOperation: Sendable {
    case send, stream, get, cancel, list, subscribe, extendedCard, pushNotifications

    /// The operation and the revision its name belongs to.
    static func named(_ method: String) -> (A2AOperation, A2AVersion)? {
        switch method {
        case "SendMessage": (.send, .v1)
        case "SendStreamingMessage": (.stream, .v1)
        case "GetTask": (.get, .v1)
        case "CancelTask": (.cancel, .v1)
        case "ListTasks": (.list, .v1)
        case "SubscribeToTask": (.subscribe, .v1)
        case "GetExtendedAgentCard": (.extendedCard, .v1)
        case "CreateTaskPushNotificationConfig", "GetTaskPushNotificationConfig", "ListTaskPushNotificationConfigs", "DeleteTaskPushNotificationConfig":
            (.pushNotifications, .v1)
        case "message/send": (.send, .v03)
        case "message/stream": (.stream, .v03)
        case "tasks/get": (.get, .v03)
        case "tasks/cancel": (.cancel, .v03)
        case "tasks/resubscribe": (.subscribe, .v03)
        case "agent/getAuthenticatedExtendedCard": (.extendedCard, .v03)
        case "tasks/pushNotificationConfig/set", "tasks/pushNotificationConfig/get", "tasks/pushNotificationConfig/list", "tasks/pushNotificationConfig/delete":
            (.pushNotifications, .v03)
        default: nil
        }
    }
}

/// The message of a `SendMessage` (or `message/send`), read in either revision: a `data` part
/// `{"skill": NAME, "arguments": {…}}` invokes a tool; a message to a task waiting for input
/// answers its question.
struct A2AIncoming: Sendable {
    var messageID: String
    var taskID: String?
    var contextID: String?
    var parts: [A2APart]
    /// The first `data` part.
    var data: JSONView?
    /// The text parts, joined.
    var text: String
    /// The client waits for the task to end or ask (`returnImmediately` false in 1.0,
    /// `blocking` true in 0.3; both the default).
    var blocking: Bool
    var historyLength: Int?

    init(_ params: JSONView?, _ version: A2AVersion) throws(A2AError) {
        guard let message = params?["message"], message.isObject else { throw .invalidParams("params.message is missing") }
        guard let parts = message["parts"], parts.isArray, !parts.elements.isEmpty else { throw .invalidParams("the message has no parts") }
        messageID = message["messageId"]?.string ?? ""
        taskID = message["taskId"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        contextID = message["contextId"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        var read: [A2APart] = []
        var texts: [String] = []
        for part in parts.elements {
            if let text = part["text"]?.string {
                read.append(.text(text))
                texts.append(text)
            } else if let value = part["data"] {
                read.append(.data(value.rawText))
                if data == nil { data = value }
            }
        }
        self.parts = read
        text = texts.joined(separator: "\n")
        let configuration = params?["configuration"]
        switch version {
        case .v1: blocking = configuration?["returnImmediately"]?.bool != true
        case .v03: blocking = configuration?["blocking"]?.bool ?? true
        }
        historyLength = configuration?["historyLength"]?.int
    }

    /// The tool and its arguments (a JSON object's text) the message invokes.
    func invocation() throws(A2AError) -> (skill: String, arguments: String) {
        guard let data, data.isObject, let skill = data["skill"]?.string, !skill.isEmpty else {
            throw .invalidParams(#"the message needs a data part {"skill": NAME, "arguments": {…}}: each skill of the agent card is a tool"#)
        }
        guard let arguments = data["arguments"] else { return (skill, "{}") }
        guard arguments.isObject else { throw .invalidParams("arguments must be an object") }
        return (skill, String(buffer: arguments.bytes))
    }

    /// The answer to an elicitation: a data part `{"action": "accept"|"decline"|"cancel",
    /// "content": {…}}`, or a data object that is the content itself; a text part "decline"
    /// or "cancel" declines.
    func elicitationAnswer() throws(A2AError) -> String {
        if let data, data.isObject {
            if let action = data["action"]?.string, ["accept", "decline", "cancel"].contains(action) {
                let content = data["content"].map { #","content":"# + String(buffer: $0.bytes) } ?? ""
                return #"{"action":"# + JSONWriter.quoted(action) + content + "}"
            }
            return #"{"action":"accept","content":"# + String(buffer: data.bytes) + "}"
        }
        let word = text.trimmingWhitespace().lowercased()
        if word == "decline" || word == "cancel" { return #"{"action":""# + word + #""}"# }
        throw .invalidParams("the task waits for input: answer with a data part holding the requested fields (or {\"action\": \"decline\"})")
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[start...end])
    }
}

import NIOCore
import SwitchboardCore

/// The A2A revision a request speaks: 1.0 (`SendMessage`, …: ProtoJSON, `TASK_STATE_*`,
/// parts told apart by their member) or 0.3 (`message/send`, …: `kind`-tagged objects,
/// lower-case states). Tasks are the same; only how they are written differs.
enum A2AVersion: Sendable {
    case v1
    case v03
}

enum A2ATaskState: Sendable, Equatable {
    case submitted, working, inputRequired, completed, canceled, failed, rejected

    var isTerminal: Bool { self == .completed || self == .canceled || self == .failed || self == .rejected }
    /// A state the task leaves only by a new message (input) or not at all.
    var isInterrupted: Bool { isTerminal || self == .inputRequired }

    func name(_ version: A2AVersion) -> String {
        switch (self, version) {
        case (.submitted, .v1): "TASK_STATE_SUBMITTED"
        case (.working, .v1): "TASK_STATE_WORKING"
        case (.inputRequired, .v1): "TASK_STATE_INPUT_REQUIRED"
        case (.completed, .v1): "TASK_STATE_COMPLETED"
        case (.canceled, .v1): "TASK_STATE_CANCELED"
        case (.failed, .v1): "TASK_STATE_FAILED"
        case (.rejected, .v1): "TASK_STATE_REJECTED"
        case (.submitted, .v03): "submitted"
        case (.working, .v03): "working"
        case (.inputRequired, .v03): "input-required"
        case (.completed, .v03): "completed"
        case (.canceled, .v03): "canceled"
        case (.failed, .v03): "failed"
        case (.rejected, .v03): "rejected"
        }
    }

    /// A `ListTasks` filter's state, in either revision's spelling.
    init?(name: String) {
        let all: [A2ATaskState] = [.submitted, .working, .inputRequired, .completed, .canceled, .failed, .rejected]
        guard let found = all.first(where: { $0.name(.v1) == name || $0.name(.v03) == name }) else { return nil }
        self = found
    }
}

/// One part of a message or an artifact.
enum A2APart: Sendable {
    case text(String)
    /// Any JSON value, as its text.
    case data(String)
    /// Bytes, base64, with their media type.
    case file(base64: String, mediaType: String)

    func write(_ w: inout JSONWriter, _ version: A2AVersion) {
        w.beginObject()
        switch (self, version) {
        case (.text(let text), .v1):
            w.field("text", text)
        case (.data(let json), .v1):
            w.field("data", raw: json)
        case (.file(let bytes, let type), .v1):
            w.field("raw", bytes)
            w.field("mediaType", type)
        case (.text(let text), .v03):
            w.field("kind", "text")
            w.field("text", text)
        case (.data(let json), .v03):
            w.field("kind", "data")
            w.field("data", raw: json)
        case (.file(let bytes, let type), .v03):
            w.field("kind", "file")
            w.key("file")
            w.beginObject()
            w.field("bytes", bytes)
            w.field("mimeType", type)
            w.endObject()
        }
        w.endObject()
    }
}

/// A message of the task's history, or its status message.
struct A2AMessage: Sendable {
    var messageID: String
    var fromAgent: Bool
    var parts: [A2APart]

    func write(_ w: inout JSONWriter, taskID: String, contextID: String, _ version: A2AVersion) {
        w.beginObject()
        if version == .v03 { w.field("kind", "message") }
        w.field("messageId", messageID)
        w.field("taskId", taskID)
        w.field("contextId", contextID)
        switch version {
        case .v1: w.field("role", fromAgent ? "ROLE_AGENT" : "ROLE_USER")
        case .v03: w.field("role", fromAgent ? "agent" : "user")
        }
        w.key("parts")
        w.beginArray()
        for part in parts { part.write(&w, version) }
        w.endArray()
        w.endObject()
    }
}

/// A task as it stands, for writing.
struct A2ATaskSnapshot: Sendable {
    var id: String
    var contextID: String
    var state: A2ATaskState
    var statusMessage: A2AMessage?
    /// RFC 3339.
    var timestamp: String
    /// The tool's result, once there is one.
    var artifact: [A2APart]?
    var history: [A2AMessage]
    /// The skill (tool) it runs, in `metadata`.
    var skill: String
}

/// Writing tasks and stream events in either revision.
enum A2AWire {
    static let artifactID = "result"

    static func task(_ task: A2ATaskSnapshot, _ version: A2AVersion, historyLength: Int? = nil) -> ByteBuffer {
        var w = JSONWriter()
        writeTask(&w, task, version, historyLength: historyLength)
        return w.buffer
    }

    static func writeTask(_ w: inout JSONWriter, _ task: A2ATaskSnapshot, _ version: A2AVersion, historyLength: Int? = nil) {
        w.beginObject()
        if version == .v03 { w.field("kind", "task") }
        w.field("id", task.id)
        w.field("contextId", task.contextID)
        w.key("status")
        writeStatus(&w, task, version)
        if let artifact = task.artifact {
            w.key("artifacts")
            w.beginArray()
            writeArtifact(&w, artifact, version)
            w.endArray()
        }
        let history = historyLength.map { Array(task.history.suffix(max(0, $0))) } ?? task.history
        if !history.isEmpty {
            w.key("history")
            w.beginArray()
            for message in history { message.write(&w, taskID: task.id, contextID: task.contextID, version) }
            w.endArray()
        }
        w.key("metadata")
        w.beginObject()
        w.field("skill", task.skill)
        w.endObject()
        w.endObject()
    }

    private static func writeStatus(_ w: inout JSONWriter, _ task: A2ATaskSnapshot, _ version: A2AVersion) {
        w.beginObject()
        w.field("state", task.state.name(version))
        if let message = task.statusMessage {
            w.key("message")
            message.write(&w, taskID: task.id, contextID: task.contextID, version)
        }
        w.field("timestamp", task.timestamp)
        w.endObject()
    }

    private static func writeArtifact(_ w: inout JSONWriter, _ parts: [A2APart], _ version: A2AVersion) {
        w.beginObject()
        w.field("artifactId", artifactID)
        w.field("name", "result")
        w.key("parts")
        w.beginArray()
        for part in parts { part.write(&w, version) }
        w.endArray()
        w.endObject()
    }

    /// A stream event: `{"task": …}` (1.0) or the task itself (0.3).
    static func taskEvent(_ task: A2ATaskSnapshot, _ version: A2AVersion) -> ByteBuffer {
        guard version == .v1 else { return self.task(task, version) }
        var w = JSONWriter()
        w.beginObject()
        w.key("task")
        writeTask(&w, task, version)
        w.endObject()
        return w.buffer
    }

    /// The task's status now; `final` (0.3) when it will not change without new input.
    static func statusEvent(_ task: A2ATaskSnapshot, _ version: A2AVersion) -> ByteBuffer {
        event("statusUpdate", "status-update", task, version) { w in
            w.key("status")
            writeStatus(&w, task, version)
            if version == .v03 { w.field("final", task.state.isInterrupted) }
        }
    }

    /// The result as the task's one artifact, whole.
    static func artifactEvent(_ task: A2ATaskSnapshot, _ version: A2AVersion) -> ByteBuffer? {
        guard let artifact = task.artifact else { return nil }
        return event("artifactUpdate", "artifact-update", task, version) { w in
            w.key("artifact")
            writeArtifact(&w, artifact, version)
            w.field("append", false)
            w.field("lastChunk", true)
        }
    }

    /// A task's stream event: 1.0 wraps it in `{"statusUpdate": …}` (or another member), 0.3
    /// tags it with `kind`; either way it names the task and its context, then `body`.
    private static func event(_ member: String, _ kind: String, _ task: A2ATaskSnapshot, _ version: A2AVersion, _ body: (inout JSONWriter) -> Void) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        switch version {
        case .v1:
            w.key(member)
            w.beginObject()
        case .v03:
            w.field("kind", kind)
        }
        w.field("taskId", task.id)
        w.field("contextId", task.contextID)
        body(&w)
        if version == .v1 { w.endObject() }
        w.endObject()
        return w.buffer
    }

    /// A tool result's content as parts: text blocks as text, `structuredContent` as data,
    /// images and audio as files, embedded resources by their text or bytes.
    static func parts(of result: JSONView) -> [A2APart] {
        var parts: [A2APart] = []
        for block in result["content"]?.elements ?? [] {
            switch block["type"]?.string {
            case "text":
                if let text = block["text"]?.string { parts.append(.text(text)) }
            case "image", "audio":
                if let data = block["data"]?.string { parts.append(.file(base64: data, mediaType: block["mimeType"]?.string ?? "application/octet-stream")) }
            case "resource":
                if let text = block["resource"]?["text"]?.string {
                    parts.append(.text(text))
                } else if let blob = block["resource"]?["blob"]?.string {
                    parts.append(.file(base64: blob, mediaType: block["resource"]?["mimeType"]?.string ?? "application/octet-stream"))
                }
            case "resource_link":
                if let uri = block["uri"]?.string { parts.append(.text(uri)) }
            default:
                break
            }
        }
        if let structured = result["structuredContent"] { parts.append(.data(structured.rawText)) }
        return parts
    }
}

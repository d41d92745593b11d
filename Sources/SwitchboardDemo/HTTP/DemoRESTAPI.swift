import Foundation
import NIOHTTP1
import Synchronization

/// A small REST API beside the demo server's `/mcp`, described by
/// `examples/openapi/demo-api.yaml`, so an OpenAPI server can be tried with nothing else
/// installed: the time, and notes kept in memory.
///
///   GET  /api/now              {"utc": ISO 8601, "unix": seconds}
///   GET  /api/notes[?tag=T]    the notes, newest first
///   POST /api/notes            {"text", "tags"?} → 201 the note
///   GET  /api/notes/{id}       the note, or 404
final class DemoRESTAPI: Sendable {
    struct Answer {
        var status: HTTPResponseStatus
        var body: JSONValue
    }

    private struct Store {
        var notes: [Int64: JSONValue] = [:]
        var next: Int64 = 1
    }

    private let store = Mutex(Store())
    /// Keeps memory bounded for a server anyone on the machine may call.
    static let maxNotes = 1000

    static func handles(_ path: Substring) -> Bool { path == "/api" || path.hasPrefix("/api/") }

    func answer(_ method: HTTPMethod, uri: String, body: [UInt8]) -> Answer {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts[0]
        let query = parts.count > 1 ? Self.query(parts[1]) : []
        switch (method, path) {
        case (.GET, "/api/now"):
            let now = Date()
            return Answer(status: .ok, body: ["utc": .string(ISO8601DateFormatter().string(from: now)), "unix": .integer(Int64(now.timeIntervalSince1970))])
        case (.GET, "/api/notes"):
            let tags = query.filter { $0.name == "tag" }.map(\.value)
            let notes = store.withLock { $0.notes.sorted { $0.key > $1.key }.map(\.value) }
            let kept = notes.filter { note in tags.allSatisfy { tag in note["tags"]?.arrayValue?.contains(.string(tag)) == true } }
            return Answer(status: .ok, body: .array(kept))
        case (.POST, "/api/notes"):
            guard let value = JSONValue(parsing: body), let text = value["text"]?.stringValue, !text.isEmpty else {
                return Answer(status: .badRequest, body: ["error": "the body must be a JSON object with a non-empty \"text\""])
            }
            let tags = value["tags"]?.arrayValue?.compactMap(\.stringValue) ?? []
            return store.withLock { store in
                guard store.notes.count < Self.maxNotes else {
                    return Answer(status: .insufficientStorage, body: ["error": .string("the demo keeps at most \(Self.maxNotes) notes")])
                }
                let note: JSONValue = ["id": .integer(store.next), "text": .string(text), "tags": .array(tags.map(JSONValue.string))]
                store.notes[store.next] = note
                store.next += 1
                return Answer(status: .created, body: note)
            }
        case (.GET, _) where path.hasPrefix("/api/notes/"):
            guard let id = Int64(path.dropFirst("/api/notes/".count)) else {
                return Answer(status: .badRequest, body: ["error": "a note id is a number"])
            }
            guard let note = store.withLock({ $0.notes[id] }) else { return Answer(status: .notFound, body: ["error": .string("no note \(id)")]) }
            return Answer(status: .ok, body: note)
        default:
            return Answer(status: .notFound, body: ["error": .string("no route \(method.rawValue) \(path)")])
        }
    }

    private static func query(_ text: Substring) -> [(name: String, value: String)] {
        text.split(separator: "&").map { pair in
            let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part) }
            return (decode(halves[0]), halves.count > 1 ? decode(halves[1]) : "")
        }
    }
}

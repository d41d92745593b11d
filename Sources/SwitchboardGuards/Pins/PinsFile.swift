package import NIOCore
import SwitchboardCore

/// The file `switchboard pins export` writes and `import` reads: the approved definitions,
/// one per line inside a JSON object, sorted, so a review in version control shows which tool
/// changed and how.
///
///     {"switchboard_pins": 1, "pins": [
///     {"server": "github", "kind": "tool", "name": "create_issue", "pin": "3f9a…", "definition": {…}},
///     …]}
package enum PinsFile {
    package struct Entry: Sendable, Equatable {
        package var server: String
        package var kind: PinRecord.Kind
        package var name: String
        package var pin: DefinitionPin
        package var approvedBy: String?
        package var reason: String?
    }

    package static func write(_ records: [PinRecord]) -> String {
        let approved = records.filter { $0.approved != nil }.sorted { ($0.server, $0.kind.rawValue, $0.name) < ($1.server, $1.kind.rawValue, $1.name) }
        var lines: [String] = []
        for record in approved {
            guard let pin = record.approved else { continue }
            var w = JSONWriter()
            w.beginObject()
            w.field("server", record.server)
            w.field("kind", record.kind.rawValue)
            w.field("name", record.name)
            w.field("pin", pin.hash)
            w.field("definition", raw: pin.canonical)
            if let by = record.decidedBy { w.field("approved_by", by) }
            if let reason = record.reason { w.field("reason", reason) }
            w.endObject()
            lines.append(String(buffer: w.buffer))
        }
        return "{\"switchboard_pins\": 1, \"pins\": [\n" + lines.joined(separator: ",\n") + (lines.isEmpty ? "" : "\n") + "]}\n"
    }

    /// The entries of a pins file; each definition is hashed again and must match its pin, so
    /// an edited definition cannot pass for an approved one.
    package static func read(_ document: ByteBuffer) throws(PinError) -> [Entry] {
        guard let root = try? JSONView.parse(document, maxDepth: 256), root.isObject else { throw PinError("not a JSON object") }
        guard root["switchboard_pins"]?.int == 1 else { throw PinError("not a pins file of this version (switchboard_pins: 1)") }
        guard let pins = root["pins"], pins.isArray else { throw PinError("pins is not an array") }
        var out: [Entry] = []
        for (i, element) in pins.elements.enumerated() {
            guard let server = element["server"]?.string, let name = element["name"]?.string, let hash = element["pin"]?.string,
                let kind = element["kind"]?.string.flatMap(PinRecord.Kind.init(rawValue:)), let definition = element["definition"], definition.isObject
            else { throw PinError("pins[\(i)] needs server, kind (tool or instructions), name, pin and a definition object") }
            let pin = kind == .tool ? DefinitionPin(tool: definition) : DefinitionPin(instructions: definition["instructions"]?.string ?? "")
            guard pin.hash == hash else { throw PinError("pins[\(i)] (\(server)/\(name)): the definition does not hash to its pin \(hash.prefix(12)); was it edited?") }
            guard kind == .instructions || definition["name"]?.string == name else { throw PinError("pins[\(i)]: the definition's name is not \(name)") }
            out.append(Entry(server: server, kind: kind, name: name, pin: pin, approvedBy: element["approved_by"]?.string, reason: element["reason"]?.string))
        }
        return out
    }

    /// `entry` approved on top of what the store has: the tool as seen is approved when it
    /// matches, drifted when the server sends something else, and approved in advance when
    /// the gateway has not seen it yet.
    package static func apply(_ entry: Entry, to current: PinRecord?, by who: some StringProtocol) -> PinRecord {
        guard var record = current else {
            return PinRecord(server: entry.server, kind: entry.kind, name: entry.name, state: .approved, seen: entry.pin, approved: entry.pin,
                             verdict: .clean, findings: [], decidedBy: String(who), reason: entry.reason)
        }
        record.approved = entry.pin
        record.state = record.seen.hash == entry.pin.hash ? .approved : .drifted
        record.decidedBy = String(who)
        record.reason = entry.reason
        return record
    }
}

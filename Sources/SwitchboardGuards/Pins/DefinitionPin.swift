import Crypto
package import SwitchboardCore

/// What a pin holds of a definition: the SHA-256 of the canonical JSON of everything a model
/// sees of a tool (`name`, `title`, `description`, `inputSchema`, `outputSchema`,
/// `annotations`, `icons`; not `_meta` or `execution`, which clients do not show it), or of a
/// server's `instructions`. Annotations are in: a tool that turns `readOnlyHint` on is a
/// changed tool.
package struct DefinitionPin: Sendable, Hashable {
    /// Lowercase hex of the SHA-256.
    package var hash: String
    /// The canonical JSON that was hashed, kept so a drift can be shown as a diff.
    package var canonical: String

    package static let modelVisibleKeys = ["name", "title", "description", "inputSchema", "outputSchema", "annotations", "icons"]

    /// The pin of a tool definition.
    package init(tool: JSONView) {
        var w = JSONWriter()
        w.beginObject()
        for key in Self.modelVisibleKeys {
            guard let value = tool[key] else { continue }
            w.key(key)
            w.raw(value.bytes)
        }
        w.endObject()
        let view = (try? JSONView.parse(w.buffer, maxDepth: 256)) ?? tool
        self.init(canonical: CanonicalJSON.write(view))
    }

    /// The pin of a server's instructions.
    package init(instructions: String) {
        var w = JSONWriter()
        w.beginObject()
        w.field("instructions", instructions)
        w.endObject()
        self.init(canonical: CanonicalJSON.write(try! JSONView.parse(w.buffer)))
    }

    /// A pin as stored: its hash and canonical JSON, trusted as they were written.
    package init(stored hash: String, canonical: String) {
        self.hash = hash
        self.canonical = canonical
    }

    private init(canonical bytes: [UInt8]) {
        canonical = String(decoding: bytes, as: UTF8.self)
        hash = SHA256.hash(data: bytes).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    /// The first 12 hex digits, how pins are named to operators.
    package var id: String { String(hash.prefix(12)) }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

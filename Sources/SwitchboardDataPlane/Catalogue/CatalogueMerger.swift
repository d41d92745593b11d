public import NIOCore
public import SwitchboardCore

/// Builds one merged list result from the pages servers returned. Items are spliced, not
/// re-encoded: an item reaches the client byte for byte except its name (tools, prompts) or
/// its URI when several servers share it (resources, templates).
public struct CatalogueMerger {
    public let kind: ListKind
    /// What a client sees for a server's own name or URI (`ShownNames`, `ResourceIndex`).
    let shown: (_ server: String, _ identity: String) -> String

    /// Tools and prompts as `{server}__{name}`, URIs as they are.
    public init(kind: ListKind) {
        self.init(kind: kind) { kind.isRenamed ? FederatedName.join(server: $0, name: $1) : $1 }
    }

    init(kind: ListKind, shown: @escaping (_ server: String, _ identity: String) -> String) {
        self.kind = kind
        self.shown = shown
    }

    public struct Output {
        /// The result object for the client.
        public var result: ByteBuffer
        package var findings: [CatalogueFinding]
    }

    /// `pages` in config order: each server's list result.
    public func merge(pages: [(server: String, result: JSONView)], nextCursor: String?) -> Output {
        var w = JSONWriter()
        var findings: [CatalogueFinding] = []
        w.beginObject()
        w.key(kind.arrayKey)
        w.beginArray()
        for (server, result) in pages {
            var seenHere = Set<String>()
            for item in result[kind.arrayKey]?.elements ?? [] {
                guard item.isObject, let identityView = item[kind.identityKey], let identity = identityView.string, !identity.isEmpty else {
                    findings.append(CatalogueFinding(server: server, list: kind, item: "?", problem: .missingIdentity))
                    continue
                }
                guard seenHere.insert(identity).inserted else {
                    findings.append(CatalogueFinding(server: server, list: kind, item: identity, problem: .duplicate))
                    continue
                }
                let shown = shown(server, identity)
                if shown == identity {
                    w.raw(item.bytes)
                } else {
                    w.raw(JSONSplice.replacing(in: item, [(identityView, JSONWriter.quoted(shown))]))
                }
            }
        }
        w.endArray()
        if let nextCursor { w.field("nextCursor", nextCursor) }
        w.endObject()
        return Output(result: w.buffer, findings: findings)
    }
}

import Synchronization
public import NIOCore
public import SwitchboardCore

/// Builds one merged list result from the pages servers returned. Items are spliced, not
/// re-encoded: a tool's definition reaches the client byte for byte except its `name`.
public struct CatalogueMerger {
    public let kind: ListKind
    /// The name clients see for a server's own tool or prompt name (`ShownNames`).
    let shown: (_ server: String, _ name: String) -> String

    public init(kind: ListKind) {
        self.init(kind: kind) { FederatedName.join(server: $0, name: $1) }
    }

    init(kind: ListKind, shown: @escaping (_ server: String, _ name: String) -> String) {
        self.kind = kind
        self.shown = shown
    }

    public struct Output {
        /// The result object for the client.
        public var result: ByteBuffer
        package var findings: [CatalogueFinding]
        /// Identity (URI or template) → server, for resources.
        package var owners: [(identity: String, server: String)]
    }

    /// `pages` in config order: each server's list result. `claimed` holds URIs already owned
    /// by another server (resources only), to report collisions across pages.
    public func merge(pages: [(server: String, result: JSONView)], nextCursor: String?, claimed: [String: String]) -> Output {
        var w = JSONWriter()
        var findings: [CatalogueFinding] = []
        var owners: [(String, String)] = []
        var seenAcrossServers = claimed
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
                if kind.isRenamed {
                    w.raw(JSONSplice.replacing(in: item, [(identityView, JSONWriter.quoted(shown(server, identity)))]))
                } else {
                    if let other = seenAcrossServers[identity], other != server {
                        findings.append(CatalogueFinding(server: server, list: kind, item: identity, problem: .uriCollision(otherServer: other)))
                        continue
                    }
                    seenAcrossServers[identity] = server
                    owners.append((identity, server))
                    w.raw(item.bytes)
                }
            }
        }
        w.endArray()
        if let nextCursor { w.field("nextCursor", nextCursor) }
        w.endObject()
        return Output(result: w.buffer, findings: findings, owners: owners)
    }
}

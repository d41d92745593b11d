import Synchronization
import SwitchboardCore
import NIOCore

/// The gateway's list cursor: for every server that has more pages, that server's own cursor.
/// Page one asks every server for its first page; each later page asks the servers named in
/// the cursor for their next one. So every item of every server appears exactly once, in
/// config order within a page, and a client that never paginates still sees every server.
public struct GatewayCursor: Equatable, Sendable {
    /// Server key and its opaque cursor, in config order.
    public var positions: [(server: String, cursor: String)]

    public init(positions: [(server: String, cursor: String)]) {
        self.positions = positions
    }

    public static func == (a: GatewayCursor, b: GatewayCursor) -> Bool {
        a.positions.elementsEqual(b.positions) { $0.server == $1.server && $0.cursor == $1.cursor }
    }

    /// Opaque text: base64url of `{"v":1,"p":[[server,cursor],…]}`.
    public var encoded: String {
        var w = JSONWriter()
        w.beginObject()
        w.field("v", 1)
        w.key("p")
        w.beginArray()
        for p in positions {
            w.beginArray()
            w.string(p.server)
            w.string(p.cursor)
            w.endArray()
        }
        w.endArray()
        w.endObject()
        return Base64URL.encode(w.buffer.readableBytesView)
    }

    /// Nil for anything the gateway did not mint (wrong shape, unknown version or server).
    public init?(encoded: String, knownServers: Set<String>) {
        guard encoded.utf8.count <= 16 * 1024, let bytes = Base64URL.decode(encoded),
            let root = try? JSONView.parse(ByteBuffer(bytes: bytes), maxDepth: 4),
            root["v"]?.int == 1, let list = root["p"], list.isArray
        else { return nil }
        var positions: [(String, String)] = []
        for entry in list.elements {
            let pair = entry.elements
            guard pair.count == 2, let server = pair[0].string, let cursor = pair[1].string,
                knownServers.contains(server), !positions.contains(where: { $0.0 == server })
            else { return nil }
            positions.append((server, cursor))
        }
        guard !positions.isEmpty else { return nil }
        self.positions = positions
    }
}

import NIOCore
import SwitchboardCore
import SwitchboardPolicy

/// What a sealed session id carries: everything the client negotiated in `initialize`, which
/// is all a replica needs to re-create the downstream session (upstream sessions are the
/// gateway's own and shared by every client).
///
/// Encoded compactly because it travels in every request's `Mcp-Session-Id`:
/// `format(1) | revision length(1) | revision | name length(2) | name | principal length(2) |
/// principal id | virtual server length(1) | virtual server | capabilities JSON`.
/// The creation time is the token's own issued-at. Format 1 (before identities) had no
/// principal or virtual server: such a session belongs to the anonymous caller at `/mcp`.
struct SealedSessionState {
    var revision: String
    var clientName: String
    /// The `capabilities` object from `initialize`; nil when the client sent none.
    var capabilities: JSONView?
    /// `Principal.id` of the caller who opened the session: only that caller may use it.
    var principalID: String
    /// The virtual server it was opened on; nil for `/mcp`.
    var virtualServer: String?

    static let format: UInt8 = 2
    /// Client names are for logs; a longer one is cut (at a character boundary).
    static let maxClientNameBytes = 256
    static let maxPrincipalBytes = 1024
    /// Capabilities larger than this keep their top-level names with `{}` values: presence is
    /// what routing reads, and the id must stay small enough for proxies' header limits.
    static let maxCapabilitiesBytes = 4096

    func encoded() -> [UInt8] {
        let revisionBytes = Array(revision.utf8.prefix(255))
        let nameBytes = Self.truncated(clientName, to: Self.maxClientNameBytes)
        var out: [UInt8] = [Self.format, UInt8(revisionBytes.count)]
        out += revisionBytes
        out += [UInt8(nameBytes.count >> 8), UInt8(nameBytes.count & 0xFF)]
        out += nameBytes
        // Principal ids are short (a key name, a token subject); an absurd one is cut, and the
        // cut id then matches nobody, which fails closed.
        let principalBytes = Array(principalID.utf8.prefix(Self.maxPrincipalBytes))
        out += [UInt8(principalBytes.count >> 8), UInt8(principalBytes.count & 0xFF)]
        out += principalBytes
        let virtualServerBytes = Array((virtualServer ?? "").utf8.prefix(255))
        out.append(UInt8(virtualServerBytes.count))
        out += virtualServerBytes
        if let capabilities, capabilities.isObject {
            if capabilities.range.count <= Self.maxCapabilitiesBytes {
                out += capabilities.bytes.readableBytesView
            } else {
                out += Self.namesOnly(capabilities)
            }
        }
        return out
    }

    /// Nil for anything this version did not write.
    init?(decoding bytes: [UInt8]) {
        guard bytes.count >= 4, bytes[0] == 1 || bytes[0] == Self.format else { return nil }
        let revisionEnd = 2 + Int(bytes[1])
        guard bytes.count >= revisionEnd + 2 else { return nil }
        let nameCount = Int(bytes[revisionEnd]) << 8 | Int(bytes[revisionEnd + 1])
        let nameEnd = revisionEnd + 2 + nameCount
        guard bytes.count >= nameEnd else { return nil }
        let revision = String(decoding: bytes[2..<revisionEnd], as: UTF8.self)
        guard ProtocolRevision.legacy.contains(revision) else { return nil }
        self.revision = revision
        self.clientName = String(decoding: bytes[(revisionEnd + 2)..<nameEnd], as: UTF8.self)
        var end = nameEnd
        if bytes[0] == 1 {
            self.principalID = Principal.anonymous().id
            self.virtualServer = nil
        } else {
            guard bytes.count >= end + 2 else { return nil }
            let principalEnd = end + 2 + (Int(bytes[end]) << 8 | Int(bytes[end + 1]))
            guard bytes.count >= principalEnd + 1 else { return nil }
            self.principalID = String(decoding: bytes[(end + 2)..<principalEnd], as: UTF8.self)
            let virtualServerEnd = principalEnd + 1 + Int(bytes[principalEnd])
            guard bytes.count >= virtualServerEnd else { return nil }
            let virtualServer = String(decoding: bytes[(principalEnd + 1)..<virtualServerEnd], as: UTF8.self)
            self.virtualServer = virtualServer.isEmpty ? nil : virtualServer
            end = virtualServerEnd
        }
        if end == bytes.count {
            self.capabilities = nil
        } else {
            guard let view = try? JSONView.parse(ByteBuffer(bytes: bytes[end...])), view.isObject else { return nil }
            self.capabilities = view
        }
    }

    init(revision: String, clientName: String, capabilities: JSONView?, principalID: String = Principal.anonymous().id, virtualServer: String? = nil) {
        self.revision = revision
        self.clientName = clientName
        self.capabilities = capabilities
        self.principalID = principalID
        self.virtualServer = virtualServer
    }

    private static func truncated(_ text: String, to limit: Int) -> [UInt8] {
        var out: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            guard out.count + bytes.count <= limit else { break }
            out += bytes
        }
        return out
    }

    private static func namesOnly(_ capabilities: JSONView) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        for (name, _) in capabilities.members.prefix(64) where name.utf8.count <= 64 {
            writer.field(name, raw: "{}")
        }
        writer.endObject()
        return Array(writer.buffer.readableBytesView)
    }
}

import NIOCore
import SwitchboardCore
import SwitchboardPolicy

/// Task ids of the 2026-07-28 tasks extension (digest §4.5) are named by the gateway like
/// tools, with the owner bound in: `{server}__{tag}.{id}`, where `tag` is a MAC (keyed with the
/// seal keys) of the caller, its endpoint, the server and the server's id. So `tasks/get`,
/// `tasks/update` and `tasks/cancel` find the server that created the task, two servers' ids
/// never meet, and nobody but the caller that created a task can read, answer or cancel it —
/// on any replica holding the keys, with nothing stored.
enum TaskNaming {
    private static let marker = Array(#""taskId""#.utf8)

    /// The result with its top-level `taskId` named for the client: a `CreateTaskResult`
    /// (`resultType: "task"`) or the task a `tasks/*` request returns. Nil when there is none
    /// (one byte search for results that cannot hold one).
    static func federate(_ result: ByteBuffer, method: String, server: String, owner: DownstreamSession, sealer: Sealer) -> ByteBuffer? {
        guard result.containsBytes(marker), let view = try? JSONView.parse(result, maxDepth: 256),
            let idView = view["taskId"], let id = idView.string
        else { return nil }
        let isTaskMethod = method == MCPMethod.tasksGet || method == MCPMethod.tasksUpdate || method == MCPMethod.tasksCancel
        guard isTaskMethod || view["resultType"]?.string == "task" else { return nil }
        let tag = sealer.tag(id, purpose: purpose(server: server, owner: owner))
        return JSONSplice.replacing(in: view, [(idView, JSONWriter.quoted(FederatedName.join(server: server, name: tag + "." + id)))])
    }

    /// The server's own id inside the client's `{tag}.{id}` (what follows `{server}__`), when
    /// `owner` is the caller the task was created for.
    static func localID(_ named: String, server: String, owner: DownstreamSession, sealer: Sealer) -> String? {
        let utf8 = named.utf8
        guard utf8.count > Sealer.tagTextCount + 1 else { return nil }
        let dot = named.utf8.index(named.utf8.startIndex, offsetBy: Sealer.tagTextCount)
        guard named.utf8[dot] == UInt8(ascii: ".") else { return nil }
        let tag = named[..<dot]
        let id = String(named[named.utf8.index(after: dot)...])
        return sealer.verify(tag: tag, message: id, purpose: purpose(server: server, owner: owner)) ? id : nil
    }

    private static func purpose(server: String, owner: DownstreamSession) -> String {
        "task\u{0}" + owner.principal.id + "\u{0}" + (owner.virtualServer ?? "") + "\u{0}" + server
    }
}

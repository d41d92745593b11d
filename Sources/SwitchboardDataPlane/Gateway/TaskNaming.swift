import NIOCore
import SwitchboardCore

/// Task ids of the 2026-07-28 tasks extension (digest §4.5) are named by the gateway like
/// tools: `{server}__{id}`, so `tasks/get`, `tasks/update` and `tasks/cancel` find the server
/// that created the task, and two servers' ids never meet.
enum TaskNaming {
    private static let marker = Array(#""taskId""#.utf8)

    /// The result with its top-level `taskId` named for the client: a `CreateTaskResult`
    /// (`resultType: "task"`) or the task a `tasks/*` request returns. Nil when there is none
    /// (one byte search for results that cannot hold one).
    static func federate(_ result: ByteBuffer, method: String, server: String) -> ByteBuffer? {
        guard result.containsBytes(marker), let view = try? JSONView.parse(result, maxDepth: 256),
            let idView = view["taskId"], let id = idView.string
        else { return nil }
        let isTaskMethod = method == MCPMethod.tasksGet || method == MCPMethod.tasksUpdate || method == MCPMethod.tasksCancel
        guard isTaskMethod || view["resultType"]?.string == "task" else { return nil }
        return JSONSplice.replacing(in: view, [(idView, JSONWriter.quoted(FederatedName.join(server: server, name: id)))])
    }
}

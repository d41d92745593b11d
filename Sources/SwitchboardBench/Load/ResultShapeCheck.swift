import SwitchboardCore

/// What a successful answer's `result` must look like for the revision the client speaks, so
/// a gateway that bridges eras wrongly shows up as errors rather than as fast calls (spec
/// digest §2.2: every 2026-07-28 result carries `resultType`; §9: a bridge drops it for legacy
/// clients).
enum ResultShapeCheck: Sendable {
    /// 2026-07-28: `resultType` is `"complete"` (the bench never asks for input, so
    /// `input_required` is a failure too).
    case modern
    /// Legacy tools/call: no `resultType`. Lists are not looked at: finding a member of a
    /// result that holds thousands of tools would cost the load generator a scan per call.
    case legacyCall
    /// An A2A `SendMessage` answer (the whole JSON-RPC response): a completed task.
    case a2aTask
    case none

    static func forRun(modern: Bool, method: String) -> ResultShapeCheck {
        if modern { return .modern }
        return method == MCPMethod.toolsCall ? .legacyCall : .none
    }

    /// Why `result` has the wrong shape; nil when it is right.
    func problem(in result: JSONView) -> String? {
        switch self {
        case .none:
            return nil
        case .modern:
            guard let type = result["resultType"] else { return "2026-07-28 result without resultType" }
            return type.string == "complete" ? nil : "2026-07-28 result with resultType \(type.rawText.prefix(40))"
        case .legacyCall:
            return result["resultType"] == nil ? nil : "legacy result carries resultType (a 2026-07-28 member)"
        case .a2aTask:
            if let error = result["error"] { return "A2A error \(error.rawText.prefix(120))" }
            let state = result["result"]?["task"]?["status"]?["state"]?.string
            return state == "TASK_STATE_COMPLETED" ? nil : "A2A task \(state ?? "missing")"
        }
    }
}

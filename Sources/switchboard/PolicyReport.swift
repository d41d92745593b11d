import SwitchboardControl
import Foundation
import SwitchboardCore
import SwitchboardDataPlane
import SwitchboardPolicy

/// `policy test` output: the outcome first, then the facts it rests on, then every rule.
enum PolicyReport {
    static func text(_ run: PolicyDryRun) -> String {
        let decision = run.trace.decision
        var lines = [
            "decision: \(decision.effect) — \(run.outcome)",
            "policy version: \(decision.policyVersion)",
            "caller: \(run.principal.id)" + roles(run.principal) + (run.principal.tenant.map { ", tenant \($0)" } ?? ""),
            "endpoint: " + (run.virtualServer.map { "/mcp/\($0)" } ?? "/mcp"),
            "tool: \(run.tool)" + (run.listed ? "" : " (not in the catalogue now: default hints assumed)"),
            "hints: readOnly \(run.annotations.readOnly), destructive \(run.annotations.destructive), "
                + "idempotent \(run.annotations.idempotent), openWorld \(run.annotations.openWorld)",
            "listed to this caller: \(run.visible ? "yes" : "no (hidden from every list)")",
            "why: \(decision.explanation)",
        ]
        if decision.effect == .allow, !run.quotaLimits.isEmpty { lines.append("quota limits that count it: \(run.quotaLimits.joined(separator: ", "))") }
        lines.append("rules:")
        if run.trace.rules.isEmpty { lines.append("  (none; the default decides)") }
        for rule in run.trace.rules { lines.append("  " + rule.description) }
        return lines.joined(separator: "\n")
    }

    static func json(_ run: PolicyDryRun) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: run.jsonObject, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    private static func roles(_ principal: Principal) -> String {
        principal.roles.isEmpty ? "" : ", roles " + principal.roles.sorted().joined(separator: ", ")
    }
}

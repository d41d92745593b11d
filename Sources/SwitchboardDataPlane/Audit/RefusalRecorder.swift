import NIOCore
import SwitchboardAudit
import Synchronization

/// `request.refused` records for requests the HTTP front door turns away before any caller is
/// known: bad or missing credentials, a foreign Origin, a body over the limit. Whoever can
/// reach the port can send those as fast as the network allows, so the trail would be a disk
/// to fill: per reason, at most one record a second. The refusals of a second after its
/// first are folded into the next record of that reason (`detail`: how many), and counted
/// exactly in `switchboard_auth_refusals_total` either way.
package final class RefusalRecorder: Sendable {
    private struct Window {
        var opened: UInt64
        var folded = 0
    }

    private let audit: CallAudit
    /// Monotonic nanoseconds; tests pass their own clock.
    private let now: @Sendable () -> UInt64
    private let windows = Mutex<[String: Window]>([:])

    package init(audit: CallAudit, now: @escaping @Sendable () -> UInt64 = { ExchangeTimings.now() }) {
        self.audit = audit
        self.now = now
    }

    /// `reason` is a bounded token (`unknown_key`, `origin`, `body_too_large`); `request`
    /// names what was asked (`POST /mcp`); `status` is the HTTP status sent; `from` the
    /// client's address.
    package func refused(reason: String, status: Int, request: String, from address: String?) {
        let at = now()
        let folded: Int? = windows.withLock { windows in
            if var window = windows[reason], at &- window.opened < 1_000_000_000 {
                window.folded += 1
                windows[reason] = window
                return nil
            }
            let folded = windows[reason]?.folded ?? 0
            windows[reason] = Window(opened: at)
            return folded
        }
        guard let folded else { return }
        var detail = reason
        if let address { detail += " from \(address)" }
        if folded > 0 { detail += "; \(folded) more with this reason in the second before, not recorded one by one" }
        audit.gatewayEvent(.requestRefused, method: request, outcome: String(status), detail: detail)
    }
}

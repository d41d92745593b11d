import Foundation
import SwitchboardTesting

extension RawHTTP {
    /// Polls a feature server's `status` tool with `request` until its `counter` (e.g.
    /// `slow_cancelled`) is above zero, for up to `eventually`'s timeout; returns the last value.
    func pollCounter(_ counter: String, request: String, headers: [String: String]) async throws -> Int {
        let seen = try? await eventuallyValue(counter, every: .milliseconds(100)) { () -> Int? in
            let status = try await post(request, headers: headers)
            let text = (((status.json?["result"] as? [String: Any])?["content"] as? [[String: Any]])?.first?["text"] as? String) ?? "{}"
            let value = (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?[counter] as? Int ?? 0
            return value > 0 ? value : nil
        }
        return seen ?? 0
    }
}

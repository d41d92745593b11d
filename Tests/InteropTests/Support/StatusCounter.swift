import Foundation

extension RawHTTP {
    /// Polls a feature server's `status` tool with `request` until its `counter` (e.g.
    /// `slow_cancelled`) is above zero, for up to five seconds; returns the last value.
    func pollCounter(_ counter: String, request: String, headers: [String: String]) async throws -> Int {
        var value = 0
        for _ in 0..<50 where value == 0 {
            let status = try await post(request, headers: headers)
            let text = (((status.json?["result"] as? [String: Any])?["content"] as? [[String: Any]])?.first?["text"] as? String) ?? "{}"
            value = (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?[counter] as? Int ?? 0
            if value == 0 { try await Task.sleep(for: .milliseconds(100)) }
        }
        return value
    }
}

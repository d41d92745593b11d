/// Values of the 2026-07-28 `Mcp-Name` and `Mcp-Param-*` headers (spec digest §1.4): plain
/// visible ASCII goes as it is; anything else, or a value that looks like the sentinel
/// itself, goes as `=?base64?<base64 of UTF-8>?=`.
public enum MCPHeaderValue {
    private static let prefix = "=?base64?"
    private static let suffix = "?="

    public static func encode(_ value: String) -> String {
        let utf8 = value.utf8
        let plain = !utf8.isEmpty && utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
            && utf8.first != 0x20 && utf8.last != 0x20
            && !(value.hasPrefix(prefix) && value.hasSuffix(suffix))
        guard !plain else { return value }
        let url = Base64URL.encode(Array(utf8))
        var standard = String(url.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        while standard.utf8.count % 4 != 0 { standard += "=" }
        return prefix + standard + suffix
    }

    /// The value a header carries; nil when it claims base64 but is not valid base64 or UTF-8.
    public static func decode(_ header: String) -> String? {
        guard header.hasPrefix(prefix), header.hasSuffix(suffix), header.utf8.count >= prefix.utf8.count + suffix.utf8.count else {
            return header
        }
        let body = header.dropFirst(prefix.count).dropLast(suffix.count)
        let url = String(body.filter { $0 != "=" }.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
        guard let bytes = Base64URL.decode(url) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}

/// The text a finding shows: short, on one line, and safe to print. Invisible, control and
/// format characters are written as `\u{…}` so a terminal or a console page shows what was
/// there instead of acting on it (an excerpt of an ANSI payload must not recolour a screen).
package enum GuardExcerpt {
    package static let limit = 120

    /// At most `limit` characters of `text` around `center` (an offset in characters; the start
    /// when nil), with "…" where it was cut.
    package static func make(_ text: String, around center: Int? = nil) -> String {
        let characters = Array(text)
        var start = 0
        var end = characters.count
        if characters.count > limit {
            start = max(0, min((center ?? 0) - limit / 3, characters.count - limit))
            end = start + limit
        }
        var out = start > 0 ? "…" : ""
        var lastWasSpace = false
        for character in characters[start..<end] {
            for scalar in character.unicodeScalars {
                let value = scalar.value
                if value == 0x0A || value == 0x0D || value == 0x09 || value == 0x20 {
                    if !lastWasSpace { out.append(" ") }
                    lastWasSpace = true
                    continue
                }
                lastWasSpace = false
                if value < 0x20 || (0x7F...0x9F).contains(value) || scalar.properties.generalCategory == .format
                    || (0xE0000...0xE0FFF).contains(value) || (0xFE00...0xFE0F).contains(value) || (0x2028...0x2029).contains(value)
                {
                    out += "\\u{" + String(value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        if end < characters.count { out += "…" }
        return out.trimmingSpaces()
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

/// Personal data in results, by structure and checksum, never by a bare pattern: card numbers
/// with an issuer prefix and a valid Luhn digit (timestamps of 13 digits starting with 1 are
/// not cards), IBANs of their country's length with mod-97 = 1, US SSNs in `ddd-dd-dddd` form
/// outside the never-issued ranges, and e-mail addresses.
enum PIIDetector {
    typealias Match = SecretDetector.Match

    static func find(in text: [UInt8]) -> [Match] {
        var out: [Match] = []
        var i = 0
        while i < text.count {
            let byte = text[i]
            // Cards and SSNs start with a digit, IBANs with a capital, e-mail is found from its @.
            guard SecretDetector.isDigit(byte) || SecretDetector.isUpper(byte) || byte == UInt8(ascii: "@") else {
                i += 1
                continue
            }
            if let match = card(at: i, text) ?? iban(at: i, text) ?? ssn(at: i, text) ?? email(at: i, text) {
                out.append(match)
                i = match.range.upperBound
            } else {
                i += 1
            }
        }
        return out
    }

    private static func isDigit(_ b: UInt8) -> Bool { SecretDetector.isDigit(b) }
    private static func boundary(_ text: [UInt8], _ i: Int) -> Bool {
        i < 0 || i >= text.count || !(isDigit(text[i]) || SecretDetector.isUpper(text[i]) || SecretDetector.isLower(text[i]))
    }

    /// 13 to 19 digits, spaces or dashes between groups allowed, issuer prefix, Luhn.
    private static func card(at i: Int, _ text: [UInt8]) -> Match? {
        guard isDigit(text[i]), boundary(text, i - 1) else { return nil }
        var digits: [Int] = []
        var j = i
        while j < text.count, digits.count < 19 {
            if isDigit(text[j]) {
                digits.append(Int(text[j] - 48))
            } else if (text[j] == UInt8(ascii: " ") || text[j] == UInt8(ascii: "-")), j + 1 < text.count, isDigit(text[j + 1]), !digits.isEmpty {
                // a group separator
            } else {
                break
            }
            j += 1
        }
        guard (13...19).contains(digits.count), boundary(text, j) else { return nil }
        let issuer = digits[0] == 4 || (digits[0] == 5 && (1...5).contains(digits[1])) || (digits[0] == 3 && (digits[1] == 4 || digits[1] == 7))
            || (digits[0] == 6 && (digits[1] == 0 || digits[1] == 5)) || (digits[0] == 2 && (2...7).contains(digits[1]))
        guard issuer, luhn(digits) else { return nil }
        return Match(rule: "pii-card", range: i..<j)
    }

    static func luhn(_ digits: [Int]) -> Bool {
        var sum = 0
        for (k, digit) in digits.reversed().enumerated() {
            let d = k % 2 == 1 ? digit * 2 : digit
            sum += d > 9 ? d - 9 : d
        }
        return sum % 10 == 0
    }

    private static let ibanLengths: [String: Int] = [
        "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27,
        "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25,
        "RO": 24, "SE": 24, "SI": 19, "SK": 24, "TR": 26, "SA": 24, "AE": 23, "IL": 23, "BR": 29,
    ]

    /// A country code, two check digits and the country's length of letters and digits
    /// (spaces every four allowed), with mod-97 = 1.
    private static func iban(at i: Int, _ text: [UInt8]) -> Match? {
        guard i + 1 < text.count, SecretDetector.isUpper(text[i]), SecretDetector.isUpper(text[i + 1]), boundary(text, i - 1) else { return nil }
        guard let length = ibanLengths[String(decoding: text[i...(i + 1)], as: UTF8.self)] else { return nil }
        var chars: [UInt8] = []
        var j = i
        while j < text.count, chars.count < length {
            let b = text[j]
            if isDigit(b) || SecretDetector.isUpper(b) {
                chars.append(b)
            } else if b != UInt8(ascii: " ") || chars.count % 4 != 0 {
                break
            }
            j += 1
        }
        guard chars.count == length, boundary(text, j), isDigit(chars[2]), isDigit(chars[3]) else { return nil }
        // Move the first four to the end, letters as 10…35, the number mod 97.
        var remainder = 0
        for b in chars[4...] + chars[..<4] {
            let value = isDigit(b) ? Int(b - 48) : Int(b - 55)
            remainder = value > 9 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97
        }
        guard remainder == 1 else { return nil }
        return Match(rule: "pii-iban", range: i..<j)
    }

    /// `ddd-dd-dddd`, area not 000, 666 or 9xx, group not 00, serial not 0000.
    private static func ssn(at i: Int, _ text: [UInt8]) -> Match? {
        guard i + 11 <= text.count, boundary(text, i - 1), boundary(text, i + 11), text[i + 3] == UInt8(ascii: "-"), text[i + 6] == UInt8(ascii: "-") else { return nil }
        let parts = [text[i..<(i + 3)], text[(i + 4)..<(i + 6)], text[(i + 7)..<(i + 11)]]
        guard parts.allSatisfy({ $0.allSatisfy(isDigit) }) else { return nil }
        let area = String(decoding: parts[0], as: UTF8.self)
        guard area != "000", area != "666", !area.hasPrefix("9"), String(decoding: parts[1], as: UTF8.self) != "00",
            String(decoding: parts[2], as: UTF8.self) != "0000"
        else { return nil }
        return Match(rule: "pii-ssn", range: i..<(i + 11))
    }

    /// local@domain.tld, found from the `@`.
    private static func email(at i: Int, _ text: [UInt8]) -> Match? {
        guard text[i] == UInt8(ascii: "@"), i > 0 else { return nil }
        func local(_ b: UInt8) -> Bool { isDigit(b) || SecretDetector.isUpper(b) || SecretDetector.isLower(b) || ".+_-%".utf8.contains(b) }
        func domain(_ b: UInt8) -> Bool { isDigit(b) || SecretDetector.isUpper(b) || SecretDetector.isLower(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") }
        var start = i
        while start > 0, local(text[start - 1]) { start -= 1 }
        var end = i + 1
        while end < text.count, domain(text[end]) { end += 1 }
        while end > i + 1, text[end - 1] == UInt8(ascii: ".") { end -= 1 }
        let host = text[(i + 1)..<end]
        guard start < i, let dot = host.lastIndex(of: UInt8(ascii: ".")), end - dot - 1 >= 2 else { return nil }
        return Match(rule: "pii-email", range: start..<end)
    }
}

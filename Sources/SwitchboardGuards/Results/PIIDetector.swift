/// Personal data in results, by structure and checksum, never by a bare pattern: card numbers
/// with an issuer prefix and a valid Luhn digit (timestamps of 13 digits starting with 1 are
/// not cards), IBANs of their country's length with mod-97 = 1, US SSNs in `ddd-dd-dddd` form
/// outside the never-issued ranges, phone numbers written as phone numbers (`+` and a country
/// code, or the North American `(ddd) ddd-dddd` / `ddd-ddd-dddd`; a bare run of digits is an
/// id, not a phone), and e-mail addresses.
///
/// Everything but e-mail starts a word, so a word that starts no match is passed over whole.
enum PIIDetector {
    typealias Match = SecretDetector.Match
    typealias Bytes = UnsafeBufferPointer<UInt8>

    static func find(in text: [UInt8]) -> [Match] {
        text.withUnsafeBufferPointer { find(in: $0) }
    }

    /// Byte classes: a word byte (letter or digit), and what a match can start with.
    private static let word: UInt8 = 1, digit: UInt8 = 2, upper: UInt8 = 4, at: UInt8 = 8, phoneStart: UInt8 = 16, escape: UInt8 = 32
    private static let classes: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for b in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(b)] = word | digit }
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(b)] = word | upper }
        for b in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(b)] = word }
        table[Int(UInt8(ascii: "@"))] = at
        table[Int(UInt8(ascii: "+"))] = phoneStart
        table[Int(UInt8(ascii: "("))] = phoneStart
        table[Int(UInt8(ascii: "\\"))] = escape
        return table
    }()

    static func find(in text: Bytes) -> [Match] {
        var out: [Match] = []
        var i = 0
        classes.withUnsafeBufferPointer { classes in
            while i < text.count {
                let c = classes[Int(text[i])]
                if c == 0 {
                    i += 1
                    continue
                }
                let found: Match?
                if c & word != 0 {
                    // A word's first byte: a card, IBAN, SSN or phone starts here, or none
                    // starts anywhere in the word.
                    found = c & digit != 0 ? number(at: i, text) : c & upper != 0 ? iban(at: i, text) : nil
                    if found == nil {
                        i += 1
                        while i < text.count, classes[Int(text[i])] & word != 0 { i += 1 }
                        continue
                    }
                } else if text[i] == UInt8(ascii: "\\") {
                    // A JSON escape (raw results): the byte after it starts a word.
                    i += i + 1 < text.count && text[i + 1] == UInt8(ascii: "u") ? 6 : 2
                    continue
                } else {
                    found = c & at != 0 ? email(at: i, text) : phone(at: i, text)
                }
                if let found {
                    out.append(found)
                    i = max(found.range.upperBound, i + 1)
                } else {
                    i += 1
                }
            }
        }
        // An e-mail is found from its `@`, after a word already passed over: in order.
        return out.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    /// The personal data starting at `i` (or, for an e-mail, around the `@` at `i`), for a
    /// caller that walks the bytes itself (`InjectionScreen`'s single pass): a digit or a
    /// capital that starts a word, `@`, `+` or `(`.
    static func match(at i: Int, in text: Bytes) -> Match? {
        let b = text[i]
        if isDigit(b) {
            guard boundary(text, i - 1) else { return nil }
            return number(at: i, text)
        }
        if SecretDetector.isUpper(b) { return boundary(text, i - 1) ? iban(at: i, text) : nil }
        if b == UInt8(ascii: "@") { return email(at: i, text) }
        if b == UInt8(ascii: "+") || b == UInt8(ascii: "(") { return phone(at: i, text) }
        return nil
    }

    private static func isDigit(_ b: UInt8) -> Bool { SecretDetector.isDigit(b) }

    /// A card, an SSN or a phone number starting at the digit at `i`. Only two shapes can
    /// begin one — a run of 13 digits or more, or a run followed by a space or dash and
    /// another digit (a card's groups, `ddd-dd-dddd`, `ddd-ddd-dddd`), or three digits and a
    /// dot (`ddd.ddd.dddd`) — so a version, a date's year glued to text, a hash starting with
    /// a digit or a plain count is passed over after its digits are counted. (`shapeTest`
    /// false: the three are tried anyway, for the test that holds both ways to one answer.)
    static func number(at i: Int, _ text: Bytes, shapeTest: Bool = true) -> Match? {
        guard shapeTest else { return card(at: i, text) ?? ssn(at: i, text) ?? phone(at: i, text) }
        var end = i + 1
        while end < text.count, isDigit(text[end]) { end += 1 }
        let next: UInt8 = end < text.count ? text[end] : 0
        let grouped = (next == UInt8(ascii: " ") || next == UInt8(ascii: "-")) && end + 1 < text.count && isDigit(text[end + 1])
        guard end - i >= 13 || grouped || (end - i == 3 && next == UInt8(ascii: ".")) else { return nil }
        return card(at: i, text) ?? ssn(at: i, text) ?? phone(at: i, text)
    }
    /// Whether the byte at `i` is not a letter or digit (or is the last of a JSON escape,
    /// read raw: `\n4111…` starts a number once decoded).
    private static func boundary(_ text: Bytes, _ i: Int) -> Bool {
        i < 0 || i >= text.count || !(isDigit(text[i]) || SecretDetector.isUpper(text[i]) || SecretDetector.isLower(text[i]))
            || SecretDetector.afterEscape(i + 1, in: text)
    }

    /// 13 to 19 digits, spaces or dashes between groups allowed, issuer prefix, Luhn.
    private static func card(at i: Int, _ text: Bytes) -> Match? {
        guard boundary(text, i - 1) else { return nil }
        var count = 0
        var j = i
        var first = 0, second = 0
        while j < text.count, count < 19 {
            let b = text[j]
            if isDigit(b) {
                if count == 0 { first = Int(b - 48) } else if count == 1 { second = Int(b - 48) }
                count += 1
            } else if !((b == UInt8(ascii: " ") || b == UInt8(ascii: "-")) && j + 1 < text.count && isDigit(text[j + 1]) && count > 0) {
                break
            }
            j += 1
        }
        guard count >= 13, boundary(text, j) else { return nil }
        let issuer = first == 4 || (first == 5 && (1...5).contains(second)) || (first == 3 && (second == 4 || second == 7))
            || (first == 6 && (second == 0 || second == 5)) || (first == 2 && (2...7).contains(second))
        guard issuer else { return nil }
        // Luhn from the last digit back.
        var sum = 0
        var k = 0
        for b in UnsafeBufferPointer(rebasing: text[i..<j]).reversed() where isDigit(b) {
            let d = k % 2 == 1 ? Int(b - 48) * 2 : Int(b - 48)
            sum += d > 9 ? d - 9 : d
            k += 1
        }
        guard sum % 10 == 0 else { return nil }
        return Match(rule: "pii-card", range: i..<j)
    }

    /// The IBAN length of each country, by its two letters (0: none).
    private static let ibanLengths: [UInt8] = {
        let lengths: [String: UInt8] = [
            "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27,
            "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25,
            "RO": 24, "SE": 24, "SI": 19, "SK": 24, "TR": 26, "SA": 24, "AE": 23, "IL": 23, "BR": 29,
        ]
        var table = [UInt8](repeating: 0, count: 26 * 26)
        for (code, length) in lengths {
            let letters = Array(code.utf8)
            table[Int(letters[0] - 65) * 26 + Int(letters[1] - 65)] = length
        }
        return table
    }()

    /// A country code, two check digits and the country's length of letters and digits
    /// (spaces every four allowed), with mod-97 = 1.
    private static func iban(at i: Int, _ text: Bytes) -> Match? {
        guard i + 3 < text.count, SecretDetector.isUpper(text[i + 1]), isDigit(text[i + 2]), isDigit(text[i + 3]), boundary(text, i - 1) else { return nil }
        let length = Int(ibanLengths[Int(text[i] - 65) * 26 + Int(text[i + 1] - 65)])
        guard length > 0 else { return nil }
        var count = 0
        var j = i
        while j < text.count, count < length {
            let b = text[j]
            if isDigit(b) || SecretDetector.isUpper(b) {
                count += 1
            } else if b != UInt8(ascii: " ") || count % 4 != 0 {
                break
            }
            j += 1
        }
        guard count == length, boundary(text, j) else { return nil }
        // The first four moved to the end, letters as 10…35, the number mod 97.
        var remainder = 0
        func add(_ b: UInt8) {
            let value = isDigit(b) ? Int(b - 48) : Int(b - 55)
            remainder = value > 9 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97
        }
        var seen = 0
        for b in UnsafeBufferPointer(rebasing: text[i..<j]) where b != UInt8(ascii: " ") {
            if seen >= 4 { add(b) }
            seen += 1
        }
        for b in UnsafeBufferPointer(rebasing: text[i..<(i + 4)]) { add(b) }
        guard remainder == 1 else { return nil }
        return Match(rule: "pii-iban", range: i..<j)
    }

    /// `ddd-dd-dddd`, area not 000, 666 or 9xx, group not 00, serial not 0000.
    private static func ssn(at i: Int, _ text: Bytes) -> Match? {
        guard i + 11 <= text.count, text[i + 3] == UInt8(ascii: "-"), text[i + 6] == UInt8(ascii: "-"), boundary(text, i - 1), boundary(text, i + 11) else { return nil }
        guard let area = digits(text, i, 3), let group = digits(text, i + 4, 2), let serial = digits(text, i + 7, 4) else { return nil }
        guard area != 0, area != 666, area < 900, group != 0, serial != 0 else { return nil }
        return Match(rule: "pii-ssn", range: i..<(i + 11))
    }

    /// A phone number as people write one: `+` and 8 to 15 digits in groups (spaces, dashes,
    /// dots, a parenthesised area code), or the North American `(ddd) ddd-dddd`,
    /// `ddd-ddd-dddd` and `ddd.ddd.dddd` with an area code that does not start with 0 or 1.
    private static func phone(at i: Int, _ text: Bytes) -> Match? {
        let b = text[i]
        if b == UInt8(ascii: "+") {
            guard i + 1 < text.count, isDigit(text[i + 1]), text[i + 1] != UInt8(ascii: "0"), i == 0 || !(isDigit(text[i - 1]) || SecretDetector.isUpper(text[i - 1]) || SecretDetector.isLower(text[i - 1])) else { return nil }
            var digits = 0
            var separators = 0
            var j = i + 1
            var end = j
            while j < text.count {
                let c = text[j]
                if isDigit(c) {
                    digits += 1
                    separators = 0
                    end = j + 1
                } else if c == UInt8(ascii: " ") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "(") || c == UInt8(ascii: ")") {
                    // `) ` and ` (` are the most separators in a row a number has.
                    separators += 1
                    guard separators <= 2 else { break }
                } else {
                    break
                }
                j += 1
            }
            guard (8...15).contains(digits), boundary(text, end) else { return nil }
            return Match(rule: "pii-phone", range: i..<end)
        }
        // North American forms: area code, exchange, line.
        var j = i
        if b == UInt8(ascii: "(") {
            guard boundary(text, i - 1), i + 13 < text.count + 1, let area = digits(text, i + 1, 3), text[i + 4] == UInt8(ascii: ")") else { return nil }
            guard area >= 200 else { return nil }
            j = i + 5
            if j < text.count, text[j] == UInt8(ascii: " ") { j += 1 }
            guard j + 8 <= text.count, digits(text, j, 3) != nil, text[j + 3] == UInt8(ascii: "-"), digits(text, j + 4, 4) != nil, boundary(text, j + 8) else { return nil }
            return Match(rule: "pii-phone", range: i..<(j + 8))
        }
        guard i + 12 <= text.count, let area = digits(text, i, 3), area >= 200 else { return nil }
        let separator = text[i + 3]
        guard separator == UInt8(ascii: "-") || separator == UInt8(ascii: "."), text[i + 7] == separator, digits(text, i + 4, 3) != nil,
            digits(text, i + 8, 4) != nil, boundary(text, i - 1), boundary(text, i + 12)
        else { return nil }
        return Match(rule: "pii-phone", range: i..<(i + 12))
    }

    /// `count` digits at `from` as a number, or nil.
    private static func digits(_ text: Bytes, _ from: Int, _ count: Int) -> Int? {
        guard from + count <= text.count else { return nil }
        var value = 0
        for k in from..<(from + count) {
            guard isDigit(text[k]) else { return nil }
            value = value * 10 + Int(text[k] - 48)
        }
        return value
    }

    /// local@domain.tld, found from the `@`.
    private static func email(at i: Int, _ text: Bytes) -> Match? {
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

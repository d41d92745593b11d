/// One `--header 'Name: value'`, checked once so it can be written into pre-encoded requests.
struct HeaderArgument: Sendable, Equatable {
    var name: String
    var value: String

    init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    init(parsing text: String) throws(BenchError) {
        guard let colon = text.firstIndex(of: ":") else {
            throw BenchError("--header must look like 'Name: value' (got \(text))")
        }
        name = String(text[..<colon]).trimmed()
        value = String(text[text.index(after: colon)...]).trimmed()
        let token = name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }
        guard !name.isEmpty, token else { throw BenchError("--header has a bad name: \(text)") }
        // A line break would end the header block early and corrupt every pre-encoded request.
        guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
            throw BenchError("--header value must not contain line breaks: \(name)")
        }
    }
}

extension String {
    fileprivate func trimmed() -> String {
        var s = Substring(self)
        while let first = s.first, first == " " || first == "\t" { s = s.dropFirst() }
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return String(s)
    }
}

import Testing

@testable import SwitchboardGuards

/// Personal data by structure: phone numbers as people write them, not every run of digits;
/// raw JSON escapes before a value do not hide it.
@Suite struct PIIDetectorTests {
    static func rules(_ text: String) -> [String] { PIIDetector.find(in: Array(text.utf8)).map(\.rule) }

    @Test(arguments: ["Call +1 (415) 555-2671 today", "UK office: +44 20 7946 0958.", "(415) 555-2671", "415-555-2671", "fax 415.555.2671", "+4915112345678"])
    func phoneNumbersAreFound(text: String) {
        #expect(Self.rules(text) == ["pii-phone"], "\(text)")
    }

    @Test(arguments: [
        "released 2026-12-07", "ISBN 978-3-16-148410-0", "version 3.10.12", "host 10.0.0.1", "+5 points", "offset +0000",
        "id 17000000001234", "order 123-456-7890123", "(012) 555-2671", "grew +100% in 2025",
    ])
    func otherNumbersAreNot(text: String) {
        #expect(Self.rules(text).isEmpty, "\(text): \(Self.rules(text))")
    }

    /// The shape test before a number's three detectors never turns one away that they would
    /// find: 20,000 seeded mixes of digit groups, separators and letters, at every digit.
    @Test func theNumberShapeTestLosesNothing() {
        var random = InjectionScreenTests.SeededRandom(state: 0xD161_7505)
        let pieces = ["4111", "1111", "5555", "4444", "3782", "822463", "10005", "415", "555", "2671", "123", "45", "6789", "0", "7", "19",
                      "4111111111111111", "378282246310005", "20261130"]
        let glue = [" ", "-", ".", "", "", ")", "(", "/", ",", "x", "  ", "--", " - "]
        var found = 0
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<Int.random(in: 1...6, using: &random) { text += pieces.randomElement(using: &random)! + glue.randomElement(using: &random)! }
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { buffer in
                for i in buffer.indices where SecretDetector.isDigit(buffer[i]) {
                    let full = PIIDetector.number(at: i, buffer, shapeTest: false)
                    if full != nil { found += 1 }
                    #expect(PIIDetector.number(at: i, buffer) == full, "\(text) at \(i)")
                }
            }
        }
        #expect(found > 1_000, "found \(found)")
    }

    @Test func rawEscapesDoNotHideAValue() {
        // As a result's raw JSON holds them: `\n` before a card, `\t` before an IBAN.
        #expect(Self.rules(#"line\n4111 1111 1111 1111"#) == ["pii-card"])
        #expect(Self.rules(#"iban:\tDE89370400440532013000"#) == ["pii-iban"])
        #expect(SecretDetector.find(in: Array(#"token\nghp_8zKq2VbN4xR7tYw1LmP0sD3fG6hJ9kQe5Ua2"#.utf8)).map(\.rule) == ["github-token"])
        #expect(SecretDetector.find(in: Array(#"postgres:\/\/app:s3cr3t-Pa55@db"#.utf8)).map(\.rule) == ["url-credentials"])
    }
}

import NIOCore
import SwitchboardCore
import Testing

@testable import SwitchboardAudit

/// Payloads as `audit.capture` keeps them: values under secret-named keys replaced at any
/// depth, everything else byte for byte, and a long payload cut on a character boundary.
@Suite struct AuditRedactionTests {
    static func kept(_ json: String, words: [String] = ["token", "password"], maxBytes: Int = 4096) throws -> AuditRedaction.Kept {
        AuditRedaction(words: words, maxBytes: maxBytes).apply(try JSONView.parse(ByteBuffer(string: json)))
    }

    @Test func secretKeysAreRedactedAtAnyDepth() throws {
        let kept = try Self.kept(#"{"a":1,"Refresh-TOKEN":{"x":2},"list":[{"password":"p"},3,"s"],"n":null,"b":true,"t":"x\"y"}"#)
        #expect(kept == .json(ByteBuffer(string: #"{"a":1,"Refresh-TOKEN":"[redacted]","list":[{"password":"[redacted]"},3,"s"],"n":null,"b":true,"t":"x\"y"}"#)))
    }

    @Test func aScalarOrAnArrayIsKeptAsItIs() throws {
        #expect(try Self.kept(#""token""#) == .json(ByteBuffer(string: #""token""#)))
        #expect(try Self.kept(#"[1,{"token":2}]"#) == .json(ByteBuffer(string: #"[1,{"token":"[redacted]"}]"#)))
    }

    @Test func aLongPayloadIsCutOnACharacterBoundary() throws {
        // `{"t":"` is 6 bytes, then two-byte characters: 11 bytes would split the third.
        guard case .cut(let text) = try Self.kept(#"{"t":"ééééé"}"#, maxBytes: 11) else {
            Issue.record("expected a cut")
            return
        }
        #expect(text == #"{"t":"éé"#)
        #expect(try Self.kept(#"{"t":"é"}"#, maxBytes: 10) == .json(ByteBuffer(string: #"{"t":"é"}"#)))
    }

    @Test func wordsMatchInsideKeysWhateverTheirCase() {
        let redaction = AuditRedaction(words: ["api_key", "Secret"], maxBytes: 64)
        #expect(redaction.redacts("X-Api-Key"))
        #expect(redaction.redacts("client_secret"))
        #expect(!redaction.redacts("name"))
    }
}

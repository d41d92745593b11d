import NIOCore
import Testing
@testable import SwitchboardCore

@Suite struct JSONScannerTests {
    @Test(arguments: [
        #"{}"#, #"[]"#, #""x""#, "0", "-1.5e+10", "true", "false", "null",
        #"{"a":[1,2,{"b":null}],"c":"\u00e9\n\"q\""}"#, " \n\t{ \"k\" : [ ] } \r\n",
    ])
    func acceptsValidJSON(_ text: String) throws {
        _ = try JSONView.parse(ByteBuffer(string: text))
    }

    @Test(arguments: [
        "", "{", #"{"a"}"#, #"{"a":}"#, "[1,]", "[1 2]", "01", "1.", "-", "+1", "tru", "nul",
        #""\x""#, "\"a\u{01}\"", #"{"a":1}x"#, #"{'a':1}"#, #"{"a":1,}"#, #""\u12G4""#,
    ])
    func rejectsInvalidJSON(_ text: String) {
        #expect(throws: JSONScanError.self) { try JSONView.parse(ByteBuffer(string: text)) }
    }

    @Test func enforcesMaxDepth() throws {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONScanError.tooDeep(64)) { try JSONView.parse(ByteBuffer(string: deep), maxDepth: 64) }
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try JSONView.parse(ByteBuffer(string: ok), maxDepth: 64)
    }

    @Test func readsMembersAndValuesWithoutCopyingOthers() throws {
        let v = try JSONView.parse(ByteBuffer(string: #"{"name":"t\u00e9st","n":42,"f":1.5,"b":true,"o":{"x":[1, 2]},"esc\"k":1}"#))
        #expect(v["name"]?.string == "tést")
        #expect(v["n"]?.int == 42)
        #expect(v["f"]?.double == 1.5)
        #expect(v["b"]?.bool == true)
        #expect(v["o", "x"]?.elements.map(\.rawText) == ["1", "2"])
        #expect(v["o"]?.rawText == #"{"x":[1, 2]}"#)
        #expect(v["esc\"k"]?.int == 1)
        #expect(v["missing"] == nil)
        #expect(v.members.map(\.key) == ["name", "n", "f", "b", "o", "esc\"k"])
    }

    @Test func decodesSurrogatePairs() throws {
        let v = try JSONView.parse(ByteBuffer(string: #""\ud83d\ude00 ok""#))
        #expect(v.string == "😀 ok")
    }

    @Test func writerEscapesAndRoundTrips() throws {
        var w = JSONWriter()
        w.beginObject()
        w.field("s", "a\"b\\c\n\u{01}é")
        w.field("n", 3)
        w.key("arr")
        w.beginArray()
        w.bool(true)
        w.null()
        w.raw(#"{"x":1}"#)
        w.endArray()
        w.endObject()
        let v = try JSONView.parse(w.buffer)
        #expect(v["s"]?.string == "a\"b\\c\n\u{01}é")
        #expect(v["n"]?.int == 3)
        #expect(v["arr"]?.elements.count == 3)
    }

    @Test func spliceReplacesOnlyTargets() throws {
        let v = try JSONView.parse(ByteBuffer(string: #"{"name":"a__b", "arguments":{"x":1},"_meta":{"progressToken":"tok"}}"#))
        let out = JSONSplice.replacing(in: v, [(v["name"]!, #""b""#), (v["_meta", "progressToken"]!, "7")])
        #expect(String(buffer: out) == #"{"name":"b", "arguments":{"x":1},"_meta":{"progressToken":7}}"#)
        let inserted = JSONSplice.setting("k", to: "1", in: try JSONView.parse(ByteBuffer(string: "{}")))
        #expect(String(buffer: inserted) == #"{"k":1}"#)
        let set = JSONSplice.setting("k", to: "1", in: try JSONView.parse(ByteBuffer(string: #"{"a":2}"#)))
        #expect(String(buffer: set) == #"{"k":1,"a":2}"#)
    }

    @Test func base64URLRoundTrips() {
        for n in 0..<20 {
            let bytes = (0..<n).map { UInt8(($0 * 37 + 11) & 0xFF) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
        #expect(Base64URL.decode("a+b") == nil)
        #expect(Base64URL.decode("abcde") == nil)
        // RFC 4648 §10, unpadded; and the two characters that differ from base64.
        let vectors = ["": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors { #expect(Base64URL.encode(Array(plain.utf8)) == encoded) }
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
    }
}

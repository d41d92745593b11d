import NIOCore
import SwitchboardCore
import Testing

@testable import SwitchboardDataPlane

/// MCP input schemas made strict for OpenAI, or refused with the reason.
@Suite struct OpenAIStrictSchemaTests {
    func strict(_ schema: String) throws -> Result<String, OpenAIStrictSchema.Unconvertible> {
        OpenAIStrictSchema.convert(try JSONView.parse(ByteBuffer(string: schema))).map { String(buffer: $0) }
    }

    @Test func optionalPropertiesBecomeRequiredAndNullable() throws {
        let made = try strict(#"{"type":"object","properties":{"q":{"type":"string","default":"x"},"n":{"type":"integer"},"tags":{"type":"array","items":{"type":"object","properties":{"k":{"type":"string"}}}},"mode":{"enum":["a","b"]}},"required":["q"]}"#)
        #expect(try made.get() == #"{"type":"object","properties":{"q":{"type":"string"},"n":{"type":["integer","null"]},"tags":{"type":["array","null"],"items":{"type":"object","properties":{"k":{"type":["string","null"]}},"required":["k"],"additionalProperties":false}},"mode":{"anyOf":[{"enum":["a","b"]},{"type":"null"}]}},"required":["q","n","tags","mode"],"additionalProperties":false}"#)
        #expect(try strict(#"{"type":"object"}"#).get() == #"{"type":"object","properties":{},"required":[],"additionalProperties":false}"#)
        #expect(String(buffer: try OpenAIStrictSchema.convert(nil).get()) == #"{"type":"object","properties":{},"required":[],"additionalProperties":false}"#)
    }

    @Test(arguments: [
        (#"{"type":"object","properties":{"a":{"oneOf":[{"type":"string"},{"type":"integer"}]}}}"#, "uses oneOf"),
        (#"{"type":"object","additionalProperties":true}"#, "additionalProperties allows keys"),
        (#"{"type":"object","additionalProperties":{"type":"string"}}"#, "additionalProperties allows keys"),
        (#"{"type":"array"}"#, "not an object schema"),
        (#"{"type":"object","properties":{"a":true}}"#, "not an object"),
    ])
    func whatCannotBeStrictIsSaid(_ schema: String, _ reason: String) throws {
        guard case .failure(let problem) = try strict(schema) else {
            Issue.record("made strict: \(schema)")
            return
        }
        #expect(problem.reason.contains(reason), "\(problem.reason)")
    }

    @Test func nullsAStrictModelSentAreDropped() throws {
        let arguments = try JSONView.parse(ByteBuffer(string: #"{"q":"x","n":null,"o":{"a":null,"b":[1,null]}}"#))
        #expect(String(buffer: OpenAIStrictSchema.dropNulls(arguments)) == #"{"q":"x","o":{"b":[1,null]}}"#)
    }
}

import SwitchboardCore
import Testing

@testable import SwitchboardPolicy

@Suite struct ToolAnnotationsTests {
    @Test(arguments: [
        (nil, ToolAnnotations(readOnly: false, destructive: true, idempotent: false, openWorld: true)),
        ("{}", ToolAnnotations()),
        ("[]", ToolAnnotations()),
        (#"{"readOnlyHint": true, "title": "x"}"#, ToolAnnotations(readOnly: true)),
        (#"{"destructiveHint": false, "idempotentHint": true, "openWorldHint": false}"#, ToolAnnotations(destructive: false, idempotent: true, openWorld: false)),
        (#"{"readOnlyHint": "yes", "destructiveHint": null}"#, ToolAnnotations()),
    ] as [(String?, ToolAnnotations)])
    func undeclaredHintsTakeTheMCPDefaults(_ json: String?, _ expected: ToolAnnotations) throws {
        #expect(ToolAnnotations(parsing: try json.map(Fixture.json)) == expected)
    }
}

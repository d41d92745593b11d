import NIOCore
import SwitchboardCore
import Testing

/// Repeated keys are found at any depth, also when one spelling is escaped.
@Suite struct RepeatedKeyTests {
    @Test(arguments: [
        (#"{"name":"a","arguments":{"x":1}}"#, nil as String?),
        (#"{"name":"a","name":"b"}"#, "name"),
        (#"{"name":"a","arguments":{"path":"/tmp","path":"/etc"}}"#, "path"),
        (#"{"a":[{"k":1},{"k":1,"k":2}]}"#, "k"),
        (#"{"name":"a","n\u0061me":"b"}"#, "name"),
        (#"{"":1,"":2}"#, ""),
        (#"{"ab":1,"a":2,"b":3}"#, nil),
        (#"{"list":[1,2,{"x":{"y":{"z":1,"z":2}}}]}"#, "z"),
        (#"{}"#, nil),
    ])
    func finds(_ json: String, _ expected: String?) throws {
        let view = try JSONView.parse(ByteBuffer(string: json))
        #expect(view.firstRepeatedKey == expected, "\(json)")
    }
}

import Foundation
import Logging
import NIOCore
import Testing

@testable import Switchboard

/// `log.format: json`: each line one object with the data model's names, metadata as
/// attributes, trace ids lifted, text escaped.
@Suite struct JSONLogHandlerTests {
    func object(_ line: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.readableBytesView)) as? [String: Any])
    }

    @Test func aLineCarriesTheDataModelsFields() throws {
        let line = JSONLogHandler.line(
            time: 1_765_042_800_123_456, level: .warning, message: "upstream \"crm\" failed\nagain",
            metadata: ["switchboard.server": "crm", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "count": .stringConvertible(3),
                       "nested": ["a": ["x", "y"]]],
            source: "SwitchboardUpstream", label: "switchboard"
        )
        #expect(!line.readableBytesView.contains(UInt8(ascii: "\n")), "one line")
        let json = try object(line)
        #expect(json["timestamp"] as? String == "2025-12-06T17:40:00.123456Z")
        #expect(json["severity_text"] as? String == "WARN" && json["severity_number"] as? Int == 13)
        #expect(json["body"] as? String == "upstream \"crm\" failed\nagain")
        #expect(json["trace_id"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736")
        let attributes = try #require(json["attributes"] as? [String: Any])
        #expect(attributes["switchboard.server"] as? String == "crm" && attributes["count"] as? String == "3")
        #expect(attributes["trace_id"] == nil, "lifted to the top")
        #expect((attributes["nested"] as? [String: Any])?["a"] as? [String] == ["x", "y"])
        #expect(json["instrumentation_scope"] as? String == "SwitchboardUpstream" && json["logger"] as? String == "switchboard")
    }

    @Test func severitiesFollowTheDataModel() {
        let levels: [Logger.Level] = [.trace, .debug, .info, .notice, .warning, .error, .critical]
        #expect(levels.map(JSONLogHandler.severityNumber) == [1, 5, 9, 10, 13, 17, 21])
        #expect(levels.map(JSONLogHandler.severityText) == ["TRACE", "DEBUG", "INFO", "INFO2", "WARN", "ERROR", "FATAL"])
    }
}

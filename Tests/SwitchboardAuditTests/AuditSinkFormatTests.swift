import Foundation
import SwitchboardAudit
import Testing

/// What the sinks write: RFC 5424 headers, CEF with its escaping, filters and time bounds,
/// and JSONL files rotated and pruned.
@Suite struct AuditSinkFormatTests {
    static func entry(_ json: String) -> AuditEntry {
        let line = #"{"seq":9,"# + json + #","prev":"AAAA","hash":"BBBB"}"#
        return AuditEntry(line: ArraySlice(line.utf8))!
    }

    @Test func syslogMessagesCarryPriorityTimeAndEvent() {
        let denied = Self.entry(#""time":"2026-12-06T10:00:00.000001Z","event":"call.refused","principal":"key:ci","decision":"deny","tool":"a|b=c\\d""#)
        let json = AuditSyslogMessage(facility: 16, host: "gw 1", appName: "switchboard", processID: 42, format: .json)
        let text = String(decoding: json.message(denied), as: UTF8.self)
        #expect(text.hasPrefix("<133>1 2026-12-06T10:00:00.000001Z gw1 switchboard 42 call.refused - {\"seq\":9,"), "local0 notice = 16*8+5")
        let cef = AuditSyslogMessage.cef(denied, version: "0.1.0")
        #expect(cef.hasPrefix("CEF:0|Switchboard|Switchboard|0.1.0|call.refused|MCP call.refused|5|rt=1796551200000 suser=key:ci act=deny"))
        #expect(cef.contains(#"cs1Label=tool cs1=a|b\=c\\d"#), "extension values escape = and \\; a pipe is fine there")
        let ok = Self.entry(#""time":"2026-12-06T10:00:00.000001Z","event":"call.end","outcome":"ok""#)
        #expect(ok.severity == 6)
        #expect(Self.entry(#""event":"call.end","outcome":"-32603""#).severity == 4)
        #expect(Self.entry(#""event":"call.end","outcome":"tool_error""#).severity == 6)
    }

    @Test func timesRoundTrip() {
        for microseconds: Int64 in [0, 1_796_551_200_000_001, 951_782_400_123_456, 4_102_444_799_999_999] {
            #expect(AuditTime.microseconds(AuditTime.rfc3339(microseconds)) == microseconds)
        }
        #expect(AuditTime.microseconds("2026-12-06T10:00:00Z") == nil)
    }

    @Test func filtersMatchFieldsTimesAndErrors() {
        let end = Self.entry(#""time":"2026-12-06T10:00:00.000000Z","event":"call.end","principal":"key:ci","outcome":"-32602""#)
        #expect(AuditFilter(fields: ["principal": "key:ci", "outcome": "error"]).matches(end))
        #expect(!AuditFilter(fields: ["outcome": "ok"]).matches(end))
        #expect(!AuditFilter(fields: ["tool": "x"]).matches(end), "a field the record lacks does not match")
        #expect(AuditFilter(since: "2026-12-06T10:00:00.000000Z").matches(end))
        #expect(!AuditFilter(until: "2026-12-06T10:00:00.000000Z").matches(end), "until is exclusive")
        let now = Date(timeIntervalSince1970: 1_796_551_200)
        #expect(AuditFilter.time("15m", now: now) == "2026-12-06T09:45:00.000000Z")
        #expect(AuditFilter.time("2026-12-06T11:00:00+01:00") == "2026-12-06T10:00:00.000000Z")
        #expect(AuditFilter.time("2026-12-06") == "2026-12-06T00:00:00.000000Z")
        #expect(AuditFilter.time("yesterday") == nil)
        for absurd in ["infs", "nand", "1e300d", "-5m", "99999999999d"] { #expect(AuditFilter.time(absurd) == nil, "\(absurd)") }
    }

    @Test func fileSinkRotatesAndKeepsAtMostMaxFiles() throws {
        let folder = AuditJournalTests.folder()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/audit.jsonl"
        let sink = AuditFileSink(name: "file", options: .init(path: path, maxBytes: 4096, maxFiles: 2))
        let line = Self.entry(#""event":"call.end","detail":""# + String(repeating: "x", count: 900) + #"""#)
        for _ in 0..<20 { try sink.deliver([line]) }
        sink.close()
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names == ["audit.jsonl", "audit.jsonl.1", "audit.jsonl.2"])
        for name in names {
            let size = try FileManager.default.attributesOfItem(atPath: folder + "/" + name)[.size] as! Int
            #expect(size <= 4096 && size > 0)
            let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            #expect(text.split(separator: "\n").allSatisfy { $0.utf8.elementsEqual(line.line) })
        }
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func fileSinkDeletesRotatedFilesPastMaxAge() throws {
        let folder = AuditJournalTests.folder()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/audit.jsonl"
        let sink = AuditFileSink(name: "file", options: .init(path: path, maxBytes: 4096, maxFiles: 5, maxAge: .seconds(3600)))
        let line = Self.entry(#""event":"call.end","detail":""# + String(repeating: "x", count: 3000) + #"""#)
        for _ in 0..<3 { try sink.deliver([line]) }
        let old = Date().addingTimeInterval(-7200)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: path + ".2")
        try sink.idle()
        sink.close()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["audit.jsonl", "audit.jsonl.1"])
    }
}

extension AuditSinkFormatTests {
    /// After a restart the file's age is its first record's, not its last write's.
    @Test func fileSinkCountsAgeFromTheFirstRecordAfterARestart() throws {
        let folder = AuditJournalTests.folder()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/audit.jsonl"
        let old = Self.entry(#""time":"2026-12-01T00:00:00.000000Z","event":"call.end""#)
        try Data((old.text + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let now = Date(timeIntervalSince1970: 1_796_551_200)  // 2026-12-06T10:00:00Z
        let sink = AuditFileSink(name: "file", options: .init(path: path, rotateEvery: .seconds(86400)), now: { now })
        try sink.deliver([Self.entry(#""time":"2026-12-06T10:00:00.000000Z","event":"call.end""#)])
        sink.close()
        #expect(FileManager.default.fileExists(atPath: path + ".1"), "five days old: rotated before the write")
    }
}

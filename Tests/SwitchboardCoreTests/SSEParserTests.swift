import NIOCore
import SwitchboardCore
import Testing

@Suite("SSEParser")
struct SSEParserTests {
    struct Expected: Sendable, Equatable, CustomStringConvertible {
        var type = "message"
        var data: String
        var id: String?
        var retry: Int?

        var description: String { "\(type)|\(data)|\(id ?? "-")|\(retry.map(String.init) ?? "-")" }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let input: [UInt8]
        let events: [Expected]
        var lastEventID = ""

        init(_ name: String, _ input: String, _ events: [Expected], lastEventID: String = "") {
            self.name = name
            self.input = Array(input.utf8)
            self.events = events
            self.lastEventID = lastEventID
        }

        init(_ name: String, bytes: [UInt8], _ events: [Expected]) {
            self.name = name
            self.input = bytes
            self.events = events
        }

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case("single LF event", "data: hello\n\n", [.init(data: "hello")]),
        Case("CRLF lines and a named event", "event: ping\r\ndata: a\r\ndata: b\r\n\r\n", [.init(type: "ping", data: "a\nb")]),
        Case("CR-only lines", "data: x\rid: 7\r\r", [.init(data: "x", id: "7")], lastEventID: "7"),
        Case(
            "mixed endings, two events",
            "data: 1\r\n\ndata: 2\r\r\n",
            [.init(data: "1"), .init(data: "2")]
        ),
        Case("CR then LF as separate terminators of one line", "data: a\r\n\r\n", [.init(data: "a")]),
        Case("comments are ignored", ": keep-alive\n\n:\ndata: y\n: inside\n\n", [.init(data: "y")]),
        Case("no space after colon", "data:z\n\n", [.init(data: "z")]),
        Case("only one leading space is removed", "data:  z\n\n", [.init(data: " z")]),
        Case("field name without colon", "data\n\n", [.init(data: "")]),
        Case("empty data line makes an empty line in data", "data\ndata\n\n", [.init(data: "\n")]),
        Case("an event without data is not dispatched", "event: x\n\ndata: d\n\n", [.init(data: "d")]),
        Case("byte order mark at stream start", "\u{FEFF}data: a\n\n", [.init(data: "a")]),
        Case("byte order mark later is part of the field name", "data: a\n\n\u{FEFF}data: b\n\n", [.init(data: "a")]),
        Case("incomplete trailing event is held back", "data: a\n\ndata: b\n", [.init(data: "a")]),
        Case(
            "last event id persists, event id does not",
            "id: 1\ndata: a\n\ndata: b\n\n",
            [.init(data: "a", id: "1"), .init(data: "b")],
            lastEventID: "1"
        ),
        Case("id without value resets", "id: 1\ndata: a\n\nid\ndata: b\n\n", [.init(data: "a", id: "1"), .init(data: "b", id: "")]),
        Case("id containing NUL is ignored", "id: a\u{0}b\ndata: x\n\n", [.init(data: "x")]),
        Case("retry with digits", "retry: 3000\ndata: a\n\n", [.init(data: "a", retry: 3000)]),
        Case("retry with non-digits is ignored", "retry: 3x\ndata: a\n\nretry:\ndata: b\n\n", [.init(data: "a"), .init(data: "b")]),
        Case("unknown fields are ignored", "foo: bar\ndata: a\nDATA: b\n\n", [.init(data: "a")]),
        Case("empty event type means message", "event:\ndata: a\n\n", [.init(data: "a")]),
        Case("priming event: id with empty data", "id: p1\ndata:\n\n", [.init(data: "", id: "p1")], lastEventID: "p1"),
        Case(
            "JSON-RPC messages",
            "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\nevent: message\ndata: {\"a\":\"b: c\"}\n\n",
            [.init(data: "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"), .init(data: "{\"a\":\"b: c\"}")]
        ),
        Case("endpoint event", "event: endpoint\ndata: /messages?sessionId=abc\n\n", [.init(type: "endpoint", data: "/messages?sessionId=abc")]),
        Case("UTF-8 data", "data: héllo ✓\n\n", [.init(data: "héllo ✓")]),
        Case("stream of blank lines only", "\n\n\r\n\r", []),
    ]

    @Test("whole input", arguments: cases)
    func wholeInput(_ testCase: Case) throws {
        var parser = SSEParser(maxEventBytes: 1024)
        let events = try Self.parse(&parser, chunks: [testCase.input[...]])
        #expect(events == testCase.events)
        #expect(parser.lastEventID == testCase.lastEventID)
    }

    @Test("split at every byte position", arguments: cases)
    func everySplit(_ testCase: Case) throws {
        for split in 0...testCase.input.count {
            var parser = SSEParser(maxEventBytes: 1024)
            let events = try Self.parse(&parser, chunks: [testCase.input[..<split], testCase.input[split...]])
            #expect(events == testCase.events, "split at \(split)")
            #expect(parser.lastEventID == testCase.lastEventID, "split at \(split)")
        }
    }

    @Test("one byte at a time", arguments: cases)
    func byteByByte(_ testCase: Case) throws {
        var parser = SSEParser(maxEventBytes: 1024)
        let events = try Self.parse(&parser, chunks: testCase.input.indices.map { testCase.input[$0...$0] })
        #expect(events == testCase.events)
    }

    struct LimitCase: Sendable, CustomTestStringConvertible {
        let name: String
        let input: String
        var testDescription: String { name }
    }

    @Test(
        "events over the limit fail",
        arguments: [
            LimitCase(name: "one long data line", input: "data: 0123456789abcdef\n\n"),
            LimitCase(name: "data over several lines", input: "data: 0123456\ndata: 789abcdef\n\n"),
            LimitCase(name: "long line without terminator", input: "data: " + String(repeating: "x", count: 64)),
            LimitCase(name: "long comment line", input: ": " + String(repeating: "x", count: 64) + "\n\n"),
        ]
    )
    func limit(_ testCase: LimitCase) {
        let bytes = Array(testCase.input.utf8)
        for split in 0...bytes.count {
            var parser = SSEParser(maxEventBytes: 12)
            #expect(throws: SSEParserError.eventTooLarge(12), "split at \(split)") {
                _ = try Self.parse(&parser, chunks: [bytes[..<split], bytes[split...]])
            }
        }
    }

    @Test("events at exactly the limit pass; the limit applies per event")
    func exactLimit() throws {
        var parser = SSEParser(maxEventBytes: 5)
        let events = try Self.parse(&parser, chunks: [Array("data: 12345\n\ndata: 12\ndata: 45\n\n".utf8)[...]])
        #expect(events == [.init(data: "12345"), .init(data: "12\n45")])
    }

    @Test("the reconnection time is remembered across events")
    func reconnectionTime() throws {
        var parser = SSEParser(maxEventBytes: 100)
        _ = try Self.parse(&parser, chunks: [Array("retry: 250\n\ndata: a\n\n".utf8)[...]])
        #expect(parser.reconnectionTime == 250)
    }

    @Test("a long stream does not keep consumed bytes")
    func longStream() throws {
        var parser = SSEParser(maxEventBytes: 100)
        var count = 0
        for index in 0..<5000 {
            parser.feed(ByteBuffer(string: "data: event \(index)\n\n: ping\n"))
            while let event = try parser.next() {
                #expect(String(buffer: event.data) == "event \(count)")
                count += 1
            }
        }
        #expect(count == 5000)
    }

    static func parse(_ parser: inout SSEParser, chunks: [ArraySlice<UInt8>]) throws -> [Expected] {
        var events: [Expected] = []
        for chunk in chunks {
            parser.feed(ByteBuffer(bytes: chunk))
            while let event = try parser.next() {
                events.append(.init(type: event.type, data: String(buffer: event.data), id: event.id, retry: event.retry))
            }
        }
        return events
    }
}

@Suite("SSEEncoder")
struct SSEEncoderTests {
    @Test("writes fields in order and ends with a blank line")
    func exactBytes() {
        var buffer = ByteBuffer()
        SSEEncoder.writeEvent("{}", type: "message", id: "42", retry: 1000, into: &buffer)
        #expect(String(buffer: buffer) == "event: message\nid: 42\nretry: 1000\ndata: {}\n\n")
    }

    @Test("data with line breaks becomes several data lines", arguments: ["a\nb\nc", "a\r\nb\r\nc", "a\rb\nc", "a\r\nb\rc"])
    func multiLine(_ data: String) throws {
        var buffer = ByteBuffer()
        SSEEncoder.writeEvent(data, into: &buffer)
        #expect(String(buffer: buffer) == "data: a\ndata: b\ndata: c\n\n")
        var parser = SSEParser(maxEventBytes: 100)
        parser.feed(buffer)
        #expect(try parser.next() == SSEEvent(data: "a\nb\nc"))
    }

    @Test("round trip through the parser", arguments: ["", "x", "\n", "trailing\n", "{\"a\": 1}", "ünïcode"])
    func roundTrip(_ data: String) throws {
        var buffer = ByteBuffer()
        SSEEncoder.writeComment("hello", into: &buffer)
        SSEEncoder.writeEvent(data, type: "t", id: "i", into: &buffer)
        SSEEncoder.writeComment(into: &buffer)
        var parser = SSEParser(maxEventBytes: 100)
        parser.feed(buffer)
        let event = try parser.next()
        #expect(event == SSEEvent(type: "t", data: data.replacingLineBreaks(), id: "i"))
        #expect(try parser.next() == nil)
    }

    @Test("line breaks in type, id and comments cannot inject fields")
    func injection() throws {
        var buffer = ByteBuffer()
        SSEEncoder.writeComment("a\ndata: injected", into: &buffer)
        SSEEncoder.writeEvent("ok", type: "x\ndata: injected", id: "1\r\nretry: 5", into: &buffer)
        var parser = SSEParser(maxEventBytes: 100)
        parser.feed(buffer)
        let event = try parser.next()
        #expect(event?.data == ByteBuffer(string: "ok"))
        #expect(event?.retry == nil)
        #expect(try parser.next() == nil)
    }
}

extension String {
    fileprivate func replacingLineBreaks() -> String {
        var result = ""
        var previousWasCR = false
        for scalar in unicodeScalars {
            if scalar == "\r" {
                result.append("\n")
                previousWasCR = true
                continue
            }
            if scalar == "\n", previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            result.unicodeScalars.append(scalar)
        }
        return result
    }
}

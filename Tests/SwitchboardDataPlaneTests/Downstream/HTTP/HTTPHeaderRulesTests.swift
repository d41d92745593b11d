import NIOHTTP1
import Testing
@testable import SwitchboardDataPlane

@Suite struct HTTPHeaderRulesTests {
    @Test(arguments: [
        (["application/json, text/event-stream"], true, true),
        (["Application/JSON;q=0.9", "TEXT/Event-Stream"], true, true),
        (["application/json"], true, false),
        (["text/event-stream"], false, true),
        (["*/*"], true, true),
        (["text/html"], false, false),
        ([], true, true),
    ])
    func readsAccept(_ values: [String], _ json: Bool, _ eventStream: Bool) {
        var headers = HTTPHeaders()
        for v in values { headers.add(name: "Accept", value: v) }
        let accept = AcceptHeader(headers)
        #expect(accept.json == json)
        #expect(accept.eventStream == eventStream)
    }

    @Test func comparesASCIIIgnoringCase() {
        #expect(ASCII.hasPrefix("Application/JSON; charset=utf-8", "application/json"))
        #expect(!ASCII.hasPrefix("application/jso", "application/json"))
        #expect(ASCII.equalsIgnoringCase("ACCEPT", "accept"))
        #expect(!ASCII.equalsIgnoringCase("accepts", "accept"))
        #expect(ASCII.contains("x, TEXT/EVENT-STREAM", "text/event-stream"))
        #expect(!ASCII.contains("", "a"))
    }
}

import NIOCore
import Testing
import SwitchboardCore
@testable import SwitchboardDataPlane

@Suite struct FederationTests {
    @Test(arguments: [
        ("time__now", "time", "now"),
        ("a__b__c", "a", "b__c"),
        ("my-server__tool.x", "my-server", "tool.x"),
    ])
    func splitsFederatedNames(_ name: String, _ server: String, _ local: String) throws {
        let split = try #require(FederatedName.split(name))
        #expect(split.server == server)
        #expect(split.name == local)
        #expect(FederatedName.join(server: server, name: local) == name)
    }

    @Test(arguments: ["plain", "__x", "x__", ""])
    func rejectsNamesWithoutBothParts(_ name: String) {
        #expect(FederatedName.split(name) == nil)
    }

    @Test func cursorRoundTripsAndRejectsForgeries() throws {
        let cursor = GatewayCursor(positions: [("alpha", "c1"), ("beta", "")])
        let decoded = try #require(GatewayCursor(encoded: cursor.encoded, knownServers: ["alpha", "beta"]))
        #expect(decoded == cursor)
        #expect(GatewayCursor(encoded: cursor.encoded, knownServers: ["alpha"]) == nil)
        #expect(GatewayCursor(encoded: "not a cursor", knownServers: ["alpha"]) == nil)
        #expect(GatewayCursor(encoded: Base64URL.encode(Array(#"{"v":2,"p":[["alpha","x"]]}"#.utf8)), knownServers: ["alpha"]) == nil)
        #expect(GatewayCursor(encoded: Base64URL.encode(Array(#"{"v":1,"p":[["alpha","x"],["alpha","y"]]}"#.utf8)), knownServers: ["alpha"]) == nil)
    }

    @Test func mergeRenamesSplicesAndReportsFindings() throws {
        let a = try JSONView.parse(ByteBuffer(string: #"{"tools":[{"name":"echo","inputSchema":{"type":"object"}},{"name":"echo"},{"name":"bad name"}],"nextCursor":"n"}"#))
        let b = try JSONView.parse(ByteBuffer(string: #"{"tools":[{"description":"no name"},{"name":"echo","title":"E"}]}"#))
        let book = NameBook(kind: .tools, servers: [
            .init(server: "a", settings: .init(), names: ["echo", "bad name"]), .init(server: "b", settings: .init(), names: ["echo"]),
        ], budget: 64)
        let out = CatalogueMerger(kind: .tools) { book.shown(server: $0, upstream: $1)! }.merge(pages: [("a", a), ("b", b)], nextCursor: "NEXT", claimed: [:])
        let merged = try JSONView.parse(out.result)
        // A name outside the charset is mapped, not left out.
        #expect(merged["tools"]?.elements.map { $0["name"]?.string } == ["a__echo", "a__bad_name", "b__echo"])
        #expect(merged["tools"]?.elements.first?["inputSchema"]?.rawText == #"{"type":"object"}"#)
        #expect(merged["nextCursor"]?.string == "NEXT")
        #expect(Set(out.findings.map(\.problem)) == [.duplicate, .missingIdentity])
    }

    @Test func resourceMergeKeepsURIsAndReportsCollisions() throws {
        let a = try JSONView.parse(ByteBuffer(string: #"{"resources":[{"uri":"file:///x","name":"x"}]}"#))
        let b = try JSONView.parse(ByteBuffer(string: #"{"resources":[{"uri":"file:///x","name":"x2"},{"uri":"file:///y","name":"y"}]}"#))
        let out = CatalogueMerger(kind: .resources).merge(pages: [("a", a), ("b", b)], nextCursor: nil, claimed: [:])
        let merged = try JSONView.parse(out.result)
        #expect(merged["resources"]?.elements.map { $0["uri"]?.string } == ["file:///x", "file:///y"])
        #expect(out.findings.map(\.problem) == [.uriCollision(otherServer: "a")])
        #expect(out.owners.map(\.server) == ["a", "b"])
    }

    @Test(arguments: [
        ("demo://n/notes/{id}", "demo://n/notes/42", true),
        ("demo://n/notes/{id}", "demo://n/notes/4/2", false),
        ("demo://n/notes/{id}", "demo://n/notes/", false),
        ("file:///{+path}", "file:///a/b/c.txt", true),
        ("repo://{owner}/{name}/readme", "repo://me/proj/readme", true),
        ("repo://{owner}/{name}/readme", "repo://me/proj/license", false),
        ("plain://x", "plain://x", true),
    ])
    func matchesURITemplates(_ template: String, _ uri: String, _ expected: Bool) {
        #expect(URITemplateMatcher.matches(template: template, uri: uri) == expected)
    }

    @Test func originPolicy() {
        let local = OriginPolicy(allowedOrigins: ["https://app.example.com"], listenHost: "127.0.0.1")
        #expect(local.permits(nil))
        #expect(local.permits("http://localhost:3000"))
        #expect(local.permits("http://127.0.0.1"))
        #expect(local.permits("https://app.example.com"))
        #expect(!local.permits("https://evil.example"))
        #expect(!local.permits("http://localhost.evil.example"))
        let public_ = OriginPolicy(allowedOrigins: [], listenHost: "0.0.0.0")
        #expect(!public_.permits("http://localhost:3000"))
    }
}

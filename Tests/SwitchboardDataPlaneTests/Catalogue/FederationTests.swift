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
        let out = CatalogueMerger(kind: .tools) { book.shown(server: $0, upstream: $1)! }.merge(pages: [("a", a), ("b", b)], nextCursor: "NEXT")
        let merged = try JSONView.parse(out.result)
        // A name outside the charset is mapped, not left out.
        #expect(merged["tools"]?.elements.map { $0["name"]?.string } == ["a__echo", "a__bad_name", "b__echo"])
        #expect(merged["tools"]?.elements.first?["inputSchema"]?.rawText == #"{"type":"object"}"#)
        #expect(merged["nextCursor"]?.string == "NEXT")
        #expect(Set(out.findings.map(\.problem)) == [.duplicate, .missingIdentity])
    }

    /// A URI one server lists stays as it is; one two servers list is shown, for each, as a
    /// gateway URI that reads back to that server and its own URI; the plain form is nobody's.
    @Test func sharedURIsAreShownPerServerAndReadBack() throws {
        let a = try JSONView.parse(ByteBuffer(string: #"{"resources":[{"uri":"file:///x","name":"x"}]}"#))
        let b = try JSONView.parse(ByteBuffer(string: #"{"resources":[{"uri":"file:///x","name":"x2"},{"uri":"file:///y","name":"y"}]}"#))
        let index = ResourceIndex(servers: ["a", "b"])
        index.record(.resources, server: "a", identities: ["file:///x"], first: true)
        index.record(.resources, server: "b", identities: ["file:///x", "file:///y"], first: true)
        let out = CatalogueMerger(kind: .resources) { index.shown(.resources, server: $0, identity: $1) }.merge(pages: [("a", a), ("b", b)], nextCursor: nil)
        let merged = try JSONView.parse(out.result)
        #expect(merged["resources"]?.elements.map { $0["uri"]?.string } == ["switchboard://a/file:///x", "switchboard://b/file:///x", "file:///y"])
        #expect(merged["resources"]?.elements.map { $0["name"]?.string } == ["x", "x2", "y"])
        #expect(out.findings.isEmpty)
        #expect(index.owner(of: "switchboard://b/file:///x")! == ("b", "file:///x"))
        #expect(index.owner(of: "file:///y")! == ("b", "file:///y"))
        #expect(index.owner(of: "file:///x") == nil)
        #expect(index.mappings.map(\.description) == [
            "resource switchboard://a/file:///x ← a: file:///x (b lists it too)", "resource switchboard://b/file:///x ← b: file:///x (a lists it too)",
        ])
        // b stops listing it: a's copy is its own again.
        index.record(.resources, server: "b", identities: ["file:///y"], first: true)
        #expect(index.shown(.resources, server: "a", identity: "file:///x") == "file:///x")
        #expect(index.owner(of: "file:///x")! == ("a", "file:///x"))
    }

    /// Shared templates too: what a client expands from a gateway template reads back to the
    /// server and what the server's own template would have given.
    @Test func sharedTemplatesExpandToGatewayURIs() throws {
        let index = ResourceIndex(servers: ["a", "b"])
        index.record(.resourceTemplates, server: "a", identities: ["notes://{id}"], first: true)
        index.record(.resourceTemplates, server: "b", identities: ["notes://{id}", "docs://{+path}"], first: true)
        #expect(index.shown(.resourceTemplates, server: "b", identity: "notes://{id}") == "switchboard://b/notes://{id}")
        #expect(index.owner(of: "switchboard://b/notes://a%2Fb")! == ("b", "notes://a%2Fb"))
        #expect(index.owner(of: "notes://7") == nil)
        #expect(index.owner(of: "docs://x/y")! == ("b", "docs://x/y"))
        // An unknown server in a gateway URI is no gateway URI, and a gateway URI reaches
        // only what its server lists.
        #expect(index.owner(of: "switchboard://c/notes://7") == nil)
        #expect(index.owner(of: "switchboard://a/docs://x") == nil)
        // A server that lists a URI looking like a gateway URI owns it as it is.
        index.record(.resources, server: "a", identities: ["switchboard://b/secret"], first: true)
        #expect(index.owner(of: "switchboard://b/secret")! == ("a", "switchboard://b/secret"))
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

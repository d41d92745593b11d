import SwitchboardCore
import Testing

@testable import SwitchboardPolicy

@Suite struct JSONPointerTests {
    static let document = #"""
        {"path": "/etc/passwd", "a/b": 1, "m~n": 2, "": 3, "items": [10, {"c": "deep"}, 30],
         "nested": {"list": [{"x": true}]}, "esc\u0061ped": "yes", "n": null}
        """#

    @Test(arguments: [
        ("/path", #""/etc/passwd""#), ("/a~1b", "1"), ("/m~0n", "2"), ("/", "3"),
        ("/items/0", "10"), ("/items/2", "30"), ("/items/1/c", #""deep""#), ("/nested/list/0/x", "true"),
        ("/escaped", #""yes""#), ("/n", "null"),
    ])
    func resolves(_ pointer: String, _ rawValue: String) throws {
        let view = try #require(try JSONPointer(parsing: pointer).resolve(in: try Fixture.json(Self.document)))
        #expect(view.rawText == rawValue)
    }

    @Test(arguments: ["/missing", "/items/3", "/items/01", "/items/-", "/items/x", "/path/0", "/n/x", "/a/b", "/items/1/c/d"])
    func findsNothing(_ pointer: String) throws {
        #expect(try JSONPointer(parsing: pointer).resolve(in: try Fixture.json(Self.document)) == nil)
    }

    @Test(arguments: ["", "path", "#/path", "/a~2", "/a~"])
    func rejectsMalformedPointers(_ pointer: String) {
        #expect(throws: PolicyError.self) { try JSONPointer(parsing: pointer) }
    }

    @Test func countsAndIndexesArraysWithoutBuildingThem() throws {
        let view = try Fixture.json(#"[ 1 , [2, 3], {"a": [4]} , "x" ]"#)
        #expect(view.elementCount == 4)
        #expect(view.element(at: 1)?.rawText == "[2, 3]")
        #expect(view.element(at: 3)?.rawText == #""x""#)
        #expect(view.element(at: 4) == nil)
        #expect(try Fixture.json("[]").elementCount == 0)
        #expect(try Fixture.json("[ ]").element(at: 0) == nil)
        #expect(try Fixture.json("{}").elementCount == nil)
    }
}

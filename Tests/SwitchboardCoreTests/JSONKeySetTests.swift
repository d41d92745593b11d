import NIOCore
import Testing

@testable import SwitchboardCore

/// Keys looked up among names by their bytes: found at their position, absent ones nil,
/// escaped keys compared decoded, and a name that is a prefix of another not confused with it.
@Suite struct JSONKeySetTests {
    static func positions(_ json: String, in names: JSONKeySet) throws -> [String: Int?] {
        let object = try JSONView.parse(ByteBuffer(string: json))
        var found: [String: Int?] = [:]
        object.forEachMember { key, _ in
            found[key.decoded()] = names.index(of: key)
            return true
        }
        return found
    }

    @Test func findsEachNameAtItsPosition() throws {
        let names = JSONKeySet(["id", "tool", "tool_name", "", "ü"])
        let found = try Self.positions(#"{"tool_name":1,"tool":2,"id":3,"toolx":4,"":5,"t\u006fol":6,"\u00fc":7,"ü2":8}"#, in: names)
        #expect(found["tool_name"] == 2)
        #expect(found["tool"] == 1)  // the escaped spelling of "tool" too, decoded
        #expect(found["id"] == 0)
        #expect(found["toolx"] == .some(nil))
        #expect(found[""] == 3)
        #expect(found["ü"] == 4)
        #expect(found["ü2"] == .some(nil))
        #expect(names.count == 5)
    }
}

import ArgumentParser
import Foundation

/// `policy test --cases FILE`: many dry runs against one start of the servers, each with the
/// decision it is expected to get, so a policy change can be checked in CI like code.
///
/// The file is a JSON array of objects: `tool` (required), `args` (object), `as` (a key's
/// name or id) or `principal` with `roles` and `tenant`, `virtual_server`, and `expect`
/// (`allow`, `deny` or `require_approval`).
struct PolicyCase {
    var tool: String
    var arguments: String?
    var key: String?
    var principal: String?
    var roles: [String]
    var tenant: String?
    var virtualServer: String?
    var expect: String?

    static func load(path: String) throws -> [PolicyCase] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("--cases: cannot read \(path)") }
        guard let array = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw ValidationError("--cases: \(path) must hold a JSON array of objects")
        }
        return try array.enumerated().map { index, object in
            let known: Set<String> = ["tool", "args", "as", "principal", "roles", "tenant", "virtual_server", "expect"]
            if let unknown = object.keys.first(where: { !known.contains($0) }) {
                throw ValidationError("--cases: case \(index + 1): unknown key \"\(unknown)\"")
            }
            guard let tool = object["tool"] as? String else { throw ValidationError("--cases: case \(index + 1): \"tool\" is required") }
            var arguments: String?
            if let args = object["args"] {
                guard args is [String: Any], let json = try? JSONSerialization.data(withJSONObject: args) else {
                    throw ValidationError("--cases: case \(index + 1): \"args\" must be an object")
                }
                arguments = String(decoding: json, as: UTF8.self)
            }
            let expect = object["expect"] as? String
            if let expect, !["allow", "deny", "require_approval"].contains(expect) {
                throw ValidationError("--cases: case \(index + 1): \"expect\" is allow, deny or require_approval")
            }
            return PolicyCase(
                tool: tool, arguments: arguments, key: object["as"] as? String, principal: object["principal"] as? String,
                roles: object["roles"] as? [String] ?? [], tenant: object["tenant"] as? String,
                virtualServer: object["virtual_server"] as? String, expect: expect
            )
        }
    }
}

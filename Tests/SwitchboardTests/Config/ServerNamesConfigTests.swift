import SwitchboardCore
import Testing

@testable import Switchboard

/// `servers.NAME.names` and the name budget in `limits`: read, checked against each other, and
/// refused with the line and key when wrong.
@Suite struct ServerNamesConfigTests {
    @Test func namesAndBudgetLoad() throws {
        let config = try ConfigLoader.parse(yaml: """
            limits: { max_tool_name_length: 60, tool_name_reserve: 18 }
            servers:
              github:
                url: http://127.0.0.1:9001/mcp
                names: { prefix: on_collision, alias: gh, tools: { issues.create: create_issue }, prompts: { sum.up: summary } }
              time:
                url: http://127.0.0.1:9002/mcp
            """, path: "switchboard.yaml", environment: [:])
        #expect(config.limits.nameBudget == 42)
        #expect(config.servers[0].names == ServerNamesConfig(prefix: .onCollision, alias: "gh", tools: ["issues.create": "create_issue"], prompts: ["sum.up": "summary"]))
        #expect(config.servers[1].names.isDefault)
        #expect(LimitsConfig().maxToolNameLength == 64)
    }

    static let server = "servers:\n  github:\n    url: http://127.0.0.1:1/mcp\n"

    @Test(arguments: [
        (server + "    names: { prefix: sometimes }\n", "switchboard.yaml:4: servers.github.names.prefix: ", "expected one of always, on_collision, none"),
        (server + "    names: { alias: g__h }\n", "switchboard.yaml:4: servers.github.names.alias: ", "cannot contain \"__\""),
        (server + "    names: { alias: 9h }\n", "switchboard.yaml:4: servers.github.names.alias: ", "an alias starts with a letter"),
        (server + "    names: { tools: { a: \"b.c\" } }\n", "switchboard.yaml:4: servers.github.names.tools.a: ", "uses only letters, digits"),
        (server + "    names: { tools: { a: x, b: x } }\n", "switchboard.yaml:4: servers.github.names.tools.b: ", "\"a\" is already renamed to \"x\""),
        (server + "    names: { rename: {} }\n", "switchboard.yaml:4: servers.github.names.rename: ", "unknown key"),
        (server + "  gh:\n    url: http://127.0.0.1:2/mcp\n    names: { alias: github }\n", "switchboard.yaml:6: servers.gh.names.alias: ", "\"github\" is the name of server github"),
        (server + "  gh:\n    url: http://127.0.0.1:2/mcp\n    names: { alias: g }\n  gl:\n    url: http://127.0.0.1:3/mcp\n    names: { alias: g }\n", "switchboard.yaml:9: servers.gl.names.alias: ", "server gh already shows the prefix \"g\""),
        (server + "    names: { alias: a_very_long_alias_name }\nlimits: { max_tool_name_length: 30 }\n", "switchboard.yaml:4: servers.github.names.alias: ", "leaves 6 characters of the 30-character name budget"),
        (server + "limits: { max_tool_name_length: 200 }\n", "switchboard.yaml:4: limits.max_tool_name_length: ", "at most 128"),
        (server + "limits: { max_tool_name_length: 64, tool_name_reserve: 50 }\n", "switchboard.yaml:4: limits.tool_name_reserve: ", "leaves 14 characters; names need at least 16"),
    ])
    func mistakesNameTheLineAndKey(_ yaml: String, _ prefix: String, _ says: String) {
        expectConfigMistake(yaml, prefix, says)
    }
}

import SwitchboardCore
import Testing

@testable import Switchboard

/// `servers.NAME.era`: which protocol era the gateway speaks to a server.
@Suite struct ServerEraConfigTests {
    static func server(_ lines: String) throws -> ServerConfig {
        let config = try ConfigLoader.parse(yaml: "servers:\n  s:\n" + lines, path: "switchboard.yaml", environment: [:])
        return try #require(config.servers.first)
    }

    @Test func defaultsToAuto() throws {
        #expect(try Self.server("    url: http://127.0.0.1:9/mcp\n").era == .auto)
    }

    @Test(arguments: ServerEraSetting.allCases)
    func acceptsEachSetting(_ era: ServerEraSetting) throws {
        #expect(try Self.server("    stdio: {command: srv}\n    era: \(era.rawValue)\n").era == era)
    }

    @Test(arguments: [
        ("    url: http://127.0.0.1:9/mcp\n    era: 2026\n", "servers.s.era: expected one of auto, legacy, modern"),
        ("    sse: http://127.0.0.1:9/sse\n    era: modern\n", "servers.s.era: an sse server speaks the 2024-11-05 protocol only"),
    ])
    func rejectsWhatCannotWork(_ yaml: String, _ message: String) {
        do {
            _ = try Self.server(yaml)
            Issue.record("accepted \(yaml)")
        } catch let error as ConfigError {
            #expect(error.description.contains(message), "\(error.description)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func sseServersMayBeCalledLegacy() throws {
        #expect(try Self.server("    sse: http://127.0.0.1:9/sse\n    era: legacy\n").era == .legacy)
    }
}

import Foundation
import SwitchboardCore
import Testing

@testable import Switchboard

/// Every shipped example must load: an example that fails is the first thing a new user meets.
@Suite struct ExampleConfigTests {
    /// What `serve` adds, plus placeholders for variables examples may reference.
    static let environment = [
        ConfigLoader.executableVariable: "/usr/local/bin/switchboard",
        "HOME": "/home/operator",
    ]

    @Test func everyExampleLoads() throws {
        let files = try RepositoryFiles.yamlFiles(in: "examples")
        #expect(!files.isEmpty)
        for file in files {
            do {
                _ = try ConfigLoader.load(path: file, environment: Self.environment)
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func quickstartServesBothDemoServers() throws {
        let config = try ConfigLoader.load(path: RepositoryFiles.path("examples/quickstart.yaml"), environment: Self.environment)
        #expect(config.listen == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(config.servers.map(\.transport.kindName) == ["stdio", "http"])
        guard case .stdio(let launch) = config.servers[0].transport else { return }
        #expect(launch.command == "/usr/local/bin/switchboard")
        #expect(launch.args.prefix(3) == ["demo-server", "--transport", "stdio"])
        #expect(config.servers[1].transport == .streamableHTTP(HTTPEndpoint(host: "127.0.0.1", port: 8091, pathAndQuery: "/mcp")))
    }

    /// `serve` without a config file runs exactly the example, served in-process.
    @Test func builtInQuickstartIsTheExampleFile() throws {
        let file = try String(contentsOfFile: RepositoryFiles.path("examples/quickstart.yaml"), encoding: .utf8)
        #expect(BuiltInConfig.quickstart == file)
        let config = try ConfigLoader.load(path: RepositoryFiles.path("examples/quickstart.yaml"), environment: Self.environment)
        #expect(config.demo.http == ListenAddress(host: "127.0.0.1", port: 8091))
    }

    /// Without `SWITCHBOARD_BIN` the error says which variable is missing.
    @Test func quickstartNamesTheMissingExecutableVariable() {
        let path = RepositoryFiles.path("examples/quickstart.yaml")
        do {
            _ = try ConfigLoader.load(path: path, environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .undefinedVariable)
            #expect(error.keyPath == "servers.notes.stdio.command")
            #expect(error.message.contains("${SWITCHBOARD_BIN}"))
        }
    }
}

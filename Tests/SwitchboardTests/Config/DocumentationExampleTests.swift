import Foundation
import Testing

@testable import Switchboard

/// The YAML blocks in `docs/configuration.md` are complete configs an operator may copy; each
/// must load, so the manual cannot drift from the loader.
@Suite struct DocumentationExampleTests {
    static let environment = [
        ConfigLoader.executableVariable: "/usr/local/bin/switchboard",
        "CRM_TOKEN": "token", "DB_PASSWORD": "password",
        "SESSION_SEAL_KEY": "a documentation seal key of 32+ characters",
    ]

    @Test func everyYAMLBlockInTheManualLoads() throws {
        let manual = try String(contentsOf: RepositoryFiles.url("docs/configuration.md"), encoding: .utf8)
        let blocks = manual.components(separatedBy: "```yaml\n").dropFirst().compactMap {
            $0.components(separatedBy: "```").first
        }
        #expect(blocks.count >= 5)
        for block in blocks {
            do {
                _ = try ConfigLoader.parse(yaml: block, path: "docs/configuration.md", environment: Self.environment)
            } catch {
                Issue.record("\(error)\n\(block)")
            }
        }
    }
}

import Foundation
import Testing

@testable import Switchboard

/// The YAML blocks in `docs/configuration.md`, `docs/security.md`, `docs/remote-servers.md` and `docs/catalogue.md` are complete configs an
/// operator may copy; each must load, so the manuals cannot drift from the loader. (Fragments
/// of a config are marked `yml` instead.)
@Suite struct DocumentationExampleTests {
    static let environment = [
        ConfigLoader.executableVariable: "/usr/local/bin/switchboard",
        "CRM_TOKEN": "token", "GITHUB_TOKEN": "token", "CRM_OAUTH_SECRET": "secret", "DB_PASSWORD": "password",
        "SESSION_SEAL_KEY": "a documentation seal key of 32+ characters",
    ]

    @Test(arguments: [("docs/configuration.md", 5), ("docs/security.md", 2), ("docs/remote-servers.md", 3), ("docs/catalogue.md", 1)])
    func everyYAMLBlockInTheManualLoads(_ path: String, _ least: Int) throws {
        let manual = try String(contentsOf: RepositoryFiles.url(path), encoding: .utf8)
        let blocks = manual.components(separatedBy: "```yaml\n").dropFirst().compactMap {
            $0.components(separatedBy: "```").first
        }
        #expect(blocks.count >= least)
        for block in blocks {
            do {
                _ = try ConfigLoader.parse(yaml: block, path: path, environment: Self.environment)
            } catch {
                Issue.record("\(error)\n\(block)")
            }
        }
    }
}

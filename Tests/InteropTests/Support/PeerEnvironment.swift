import Foundation

/// Where the real peers live: the venv `scripts/setup-peers.sh` builds, the Python test
/// servers and clients under Tests/Peers, the official schemas under ../shared/spec.
enum PeerEnvironment {
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    static var python: String { repositoryRoot.appendingPathComponent(".build-venv/bin/python").path }
    static var venvBin: String { repositoryRoot.appendingPathComponent(".build-venv/bin").path }
    static var featureServer: String { path("Tests/Peers/servers/feature_server.py") }
    static var scenario: String { path("Tests/Peers/clients/scenario.py") }
    static var validator: String { path("Tests/Peers/validate_wire.py") }
    static var schemaDirectory: String { repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/spec/schema").path }
    static var switchboardBinary: String { path(".build/debug/switchboard") }

    static func path(_ relative: String) -> String { repositoryRoot.appendingPathComponent(relative).path }

    /// Peers are installed by the test command (scripts/test.sh); a bare `swift test` without
    /// them fails with this hint rather than a cryptic spawn error.
    static func requirePeers() throws {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw HarnessError("the Python peers are missing: run scripts/setup-peers.sh (scripts/test.sh does)")
        }
    }

    static func temporaryFile(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("\(UUID().uuidString.prefix(8))-\(name)").path
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

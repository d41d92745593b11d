import Foundation

/// Files of the repository that tests check (examples, schema), found from this source file's
/// location so that tests do not depend on the working directory they are run from.
enum RepositoryFiles {
    /// `Tests/SwitchboardTests/Config/RepositoryFiles.swift` → the repository root.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    static func path(_ relativePath: String) -> String {
        url(relativePath).path
    }

    /// Paths of the `.yaml` and `.yml` files in a repository folder, sorted.
    static func yamlFiles(in folder: String) throws -> [String] {
        let directory = url(folder)
        return try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .sorted()
            .map { directory.appendingPathComponent($0).path }
    }
}

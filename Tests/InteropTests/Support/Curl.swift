import Foundation

@testable import SwitchboardDemo

/// What `curl` received: status, headers (lowercased names), body and curl's exit code.
struct CurlResponse: Sendable {
    var exitCode: Int32
    var status: Int
    var headers: [String: String]
    var body: String

    var json: JSONValue? { JSONValue(parsing: Array(body.utf8)) }

    /// The JSON of every SSE `data:` line in the body.
    var events: [JSONValue] {
        body.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("data: ") else { return nil }
            return JSONValue(parsing: Array(line.dropFirst(6).utf8))
        }
    }
}

/// POSTs `body` as an MCP client would (JSON content, both Accept types), with extra headers;
/// a header in `headers` replaces the default of the same name.
func curl(_ url: String, post body: String, _ headers: [String] = []) async throws -> CurlResponse {
    let names = Set(headers.compactMap { $0.split(separator: ":").first?.lowercased() })
    let defaults = [DemoServerTransportTests.accept, DemoServerTransportTests.json].filter {
        !names.contains($0.split(separator: ":")[0].lowercased())
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("curl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let bodyFile = directory.appendingPathComponent("request")
    try Data(body.utf8).write(to: bodyFile)
    let arguments = (defaults + headers).flatMap { ["-H", $0] } + ["--data-binary", "@\(bodyFile.path)"]
    return try await curl(url, arguments)
}

/// Runs `curl` with a time limit, without blocking a thread of the cooperative pool.
func curl(_ url: String, _ arguments: [String], maxTime: Double = 10) async throws -> CurlResponse {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("curl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let headerFile = directory.appendingPathComponent("headers")
    let bodyFile = directory.appendingPathComponent("body")
    let run = try ChildProcessRunner(
        "/usr/bin/env",
        ["curl", "-sS", "--max-time", "\(maxTime)", "-D", headerFile.path, "-o", bodyFile.path] + arguments + [url]
    )
    // curl's own --max-time bounds the wait.
    let exitCode = await run.waitForExit()
    let rawHeaders = (try? String(contentsOf: headerFile, encoding: .utf8)) ?? ""
    var status = 0
    var headers: [String: String] = [:]
    for line in rawHeaders.split(whereSeparator: \.isNewline) {
        if line.hasPrefix("HTTP/") {
            status = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        } else if let colon = line.firstIndex(of: ":") {
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }
    let body = (try? String(contentsOf: bodyFile, encoding: .utf8)) ?? ""
    return CurlResponse(exitCode: exitCode, status: status, headers: headers, body: body)
}

import Foundation

/// Raw HTTP requests through curl, for checks on status codes and headers that SDK clients
/// hide. curl is part of the base image of every machine here.
struct RawHTTP {
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: String

        var json: [String: Any]? {
            try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        }

        var errorCode: Int? { (json?["error"] as? [String: Any])?["code"] as? Int }
    }

    let url: String

    func post(_ body: String, headers: [String: String] = [:], contentType: String = "application/json") async throws -> Response {
        let bodyFile = PeerEnvironment.temporaryFile("body.json")
        try body.write(toFile: bodyFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: bodyFile) }
        var args = ["-H", "Content-Type: \(contentType)", "-H", "Accept: application/json, text/event-stream", "--data-binary", "@\(bodyFile)"]
        for (k, v) in headers { args += ["-H", "\(k): \(v)"] }
        return try await run(args)
    }

    func request(_ method: String, headers: [String: String] = [:]) async throws -> Response {
        var args = ["-X", method, "--max-time", "2"]
        for (k, v) in headers { args += ["-H", "\(k): \(v)"] }
        return try await run(args)
    }

    private func run(_ args: [String]) async throws -> Response {
        let headerFile = PeerEnvironment.temporaryFile("headers.txt")
        defer { try? FileManager.default.removeItem(atPath: headerFile) }
        let child = try ChildProcessRunner("/usr/bin/curl", ["-s", "-D", headerFile, "--max-time", "20"] + args + [url])
        _ = await child.wait(seconds: 30)
        let rawHeaders = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        var status = 0
        var headers: [String: String] = [:]
        for line in rawHeaders.split(separator: "\r\n") {
            if line.hasPrefix("HTTP/") {
                status = Int(line.split(separator: " ")[1]) ?? 0
            } else if let colon = line.firstIndex(of: ":") {
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return Response(status: status, headers: headers, body: child.standardOutput)
    }
}

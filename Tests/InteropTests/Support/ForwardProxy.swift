import Foundation
import SwitchboardTesting

/// A real forward proxy for one test: tinyproxy from Debian (scripts/test.sh installs it) on
/// 127.0.0.1, logging every connection and request line, optionally asking for Basic
/// credentials. Its log is how a test sees that traffic went through it.
final class ForwardProxy {
    let port: Int
    let directory: String
    private let child: ChildProcessRunner

    var url: String { "http://127.0.0.1:\(port)" }
    var logFile: String { directory + "/proxy.log" }

    /// Starts tinyproxy; with `credentials` (`user:password`), requests without them get 407.
    init(credentials: (user: String, password: String)? = nil) async throws {
        guard let binary = ["/usr/bin/tinyproxy", "/usr/sbin/tinyproxy"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw HarnessError("tinyproxy is not installed; scripts/test.sh installs it (apt-get install tinyproxy)")
        }
        directory = PeerEnvironment.temporaryFile("proxy")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = try FreePort.next()
        var config = """
            Port \(port)
            Listen 127.0.0.1
            Timeout 600
            LogFile "\(directory)/proxy.log"
            LogLevel Connect
            MaxClients 200
            Allow 127.0.0.1

            """
        if let credentials { config += "BasicAuth \(credentials.user) \(credentials.password)\n" }
        try config.write(toFile: directory + "/tinyproxy.conf", atomically: true, encoding: .utf8)
        child = try ChildProcessRunner(binary, ["-d", "-c", directory + "/tinyproxy.conf"])
        // Listening once a TCP connect succeeds; until then the port refuses.
        let port = port
        try await eventually("tinyproxy to listen on \(port)", timeout: .seconds(10), every: .milliseconds(20)) {
            (try? await curl("http://127.0.0.1:\(port)/", [], maxTime: 1))?.status != 0
        }
    }

    /// The request lines tinyproxy logged (`CONNECT localhost:4431 HTTP/1.1`, `POST http://…`).
    var requests: [String] {
        let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        return log.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: "Request (file descriptor ") else { return nil }
            return line[range.upperBound...].split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    func stop() {
        child.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

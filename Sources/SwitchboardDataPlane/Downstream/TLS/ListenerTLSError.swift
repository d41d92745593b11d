/// A TLS file the listener cannot use: `tls.private_key: /etc/switchboard/tls/server.key: no
/// such file`. Names the key and path, never the file's content.
package struct ListenerTLSError: Error, CustomStringConvertible, Equatable {
    package let key: String
    package let path: String
    package let problem: String

    package init(key: String, path: String, problem: String) {
        self.key = key
        self.path = path
        self.problem = problem
    }

    package var description: String { "\(key): \(path): \(problem)" }
}

import SwitchboardCore

/// `listen: HOST:PORT`, with IPv6 hosts bracketed (`[::1]:8080`). Port 0 asks the OS for any
/// free port, which tests and the quick start use to avoid collisions.
enum ListenAddressSyntax {
    static let expectation = "expected HOST:PORT such as 127.0.0.1:8080 or [::1]:8080"

    static func parse(_ text: String) throws(ValueProblem) -> ListenAddress {
        guard !text.isEmpty, !text.contains("/") else { throw ValueProblem(expectation) }
        let (host, port) = try HostPortSyntax.split(
            Substring(text), example: "127.0.0.1:8080", ipv6Example: "[::1]:8080", minimumPort: 0
        )
        guard let port else { throw ValueProblem(expectation) }
        return ListenAddress(host: host, port: port)
    }
}

#if canImport(Glibc)
import Glibc
#endif
import SwitchboardTesting
import Testing

/// A held port refuses connections at once, and nobody else can take it meanwhile.
@Suite struct RefusingPortTests {
    @Test func connectionsAreRefusedAndThePortStaysHeld() throws {
        let refusing = try RefusingPort()
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(client) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(refusing.port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == -1 && errno == ECONNREFUSED)
        #expect(throws: (any Error).self) { try RefusingPort(port: refusing.port) }
        withExtendedLifetime(refusing) {}
    }
}

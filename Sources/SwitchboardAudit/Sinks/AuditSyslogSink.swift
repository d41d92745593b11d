#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// Sends records to a syslog receiver (rsyslog, syslog-ng, a SIEM's collector): over UDP one
/// datagram per message (RFC 5426; a lost datagram is lost, as UDP syslog always is), over TCP
/// octet-counted frames (`LEN SP MSG`, RFC 6587) on one connection kept open and made again
/// after a failure, when the whole batch is sent again. Blocking sockets with a 10 s send
/// timeout, on the sink's own thread.
package final class AuditSyslogSink: AuditSink {
    package enum Transport: Sendable {
        case udp, tcp
    }

    package let name: String
    private let transport: Transport
    private let host: String
    private let port: Int
    private let message: AuditSyslogMessage
    private let socket = Mutex<CInt?>(nil)

    package init(name: String, transport: Transport, host: String, port: Int, message: AuditSyslogMessage) {
        self.name = name
        self.transport = transport
        self.host = host
        self.port = port
        self.message = message
    }

    static let maxDatagram = 65_000

    package var destination: String { "\(transport == .udp ? "udp" : "tcp")://\(host.contains(":") ? "[\(host)]" : host):\(port)" }

    package func deliver(_ entries: [AuditEntry]) throws {
        try socket.withLock { fd throws(AuditFailure) in
            if fd == nil { fd = try connect() }
            do throws(AuditFailure) {
                for entry in entries {
                    var bytes = message.message(entry)
                    if transport == .tcp { bytes = Array("\(bytes.count) ".utf8) + bytes }
                    // A datagram holds at most 65,507 bytes: a longer message is cut, rather than
                    // failing (and being offered again) for ever.
                    if transport == .udp, bytes.count > Self.maxDatagram { bytes.removeSubrange(Self.maxDatagram...) }
                    try send(bytes, on: fd!)
                }
            } catch {
                Glibc.close(fd!)
                fd = nil
                throw error
            }
        }
    }

    package func close() {
        socket.withLock { fd in
            if let open = fd { Glibc.close(open) }
            fd = nil
        }
    }

    private func connect() throws(AuditFailure) -> CInt {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = transport == .udp ? Int32(SOCK_DGRAM.rawValue) : Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw AuditFailure("syslog \(destination): cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            let fd = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
            lastError = String(cString: strerror(errno))
            Glibc.close(fd)
        }
        throw AuditFailure("syslog \(destination): cannot connect: \(lastError)")
    }

    private func send(_ bytes: [UInt8], on fd: CInt) throws(AuditFailure) {
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + done, $0.count - done, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw AuditFailure("syslog \(destination): cannot send: \(String(cString: strerror(errno)))")
            }
            // A datagram goes whole or not at all.
            if transport == .udp { return }
            done += count
        }
    }
}

import SwitchboardPolicy

/// Fired down a connection's pipeline once its TLS handshake has verified a client certificate
/// that names a principal; the HTTP handler keeps it for every request on the connection.
struct ClientCertificatePrincipal: Sendable {
    let principal: Principal
}

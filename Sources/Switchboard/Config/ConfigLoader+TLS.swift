import SwitchboardCore

/// `tls` and `auth.certificates`: HTTPS on the listener, mutual TLS, and how a client
/// certificate names its caller. Only the shape is checked here: the files are read when the
/// listener starts, so a config can be checked on a machine that does not hold the key.
extension ConfigLoader {
    static func decodeTLS(_ node: ConfigNode) throws(ConfigError) -> TLSConfig {
        if node.isNull { throw node.error("missing required keys \"certificate\" and \"private_key\"", code: .missingKey, atKey: true) }
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: tlsKeys)
        guard let certificate = section["certificate"] else {
            throw node.error("missing required key \"certificate\" (the server's PEM certificate chain, leaf first)", code: .missingKey, atKey: true)
        }
        guard let privateKey = section["private_key"] else {
            throw node.error("missing required key \"private_key\" (the PEM private key of that certificate)", code: .missingKey, atKey: true)
        }
        let clientCA = try section["client_ca"].map { value throws(ConfigError) in try decodeFilePath(value) }
        var clientCertificates: TLSConfig.ClientCertificates?
        if let value = section["client_certificates"] {
            let mode = try decodeChoice(value, TLSConfig.ClientCertificates.self)
            switch (mode, clientCA) {
            case (.none, .some):
                throw value.error("none asks no client for a certificate, so client_ca would go unused; remove one of the two")
            case (.optional, nil), (.required, nil):
                throw value.error("\(mode.rawValue) needs client_ca, the trust roots client certificates are checked against")
            default:
                clientCertificates = mode
            }
        }
        var tls = TLSConfig(
            certificate: try decodeFilePath(certificate),
            privateKey: try decodeFilePath(privateKey),
            clientCA: clientCA,
            clientCertificates: clientCertificates
        )
        if let value = section["min_version"] { tls.minimumVersion = try decodeChoice(value, TLSConfig.MinimumVersion.self) }
        return tls
    }

    static func decodeCertificateIdentity(_ node: ConfigNode) throws(ConfigError) -> CertificateIdentityConfig {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: certificateIdentityKeys)
        var identity = CertificateIdentityConfig()
        if let value = section["principal"] { identity.principal = try decodeChoice(value, CertificateIdentityConfig.NameSource.self) }
        if let value = section["roles_from"] { identity.rolesFrom = try decodeChoice(value, CertificateIdentityConfig.SubjectAttribute.self) }
        if let value = section["tenant_from"] { identity.tenantFrom = try decodeChoice(value, CertificateIdentityConfig.SubjectAttribute.self) }
        return identity
    }

    /// A path beside the config file unless absolute. The path is echoed in errors later, the
    /// file's content never.
    static func decodeFilePath(_ node: ConfigNode) throws(ConfigError) -> String {
        node.source.resolve(try node.string())
    }

    static func decodeChoice<Choice: RawRepresentable & CaseIterable>(
        _ node: ConfigNode, _ type: Choice.Type
    ) throws(ConfigError) -> Choice where Choice.RawValue == String {
        let scalar = try node.scalar()
        guard let choice = Choice(rawValue: scalar.text) else {
            throw scalar.error("expected one of " + Choice.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return choice
    }
}

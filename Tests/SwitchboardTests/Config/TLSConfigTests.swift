import SwitchboardCore
import Testing

@testable import Switchboard

/// `tls` and `auth.certificates`: defaults, paths beside the config, and every refusal naming
/// line and key. The files themselves are read by the listener (see the interop TLS tests).
@Suite struct TLSConfigTests {
    func parse(_ yaml: String) throws(ConfigError) -> GatewayConfig {
        try ConfigLoader.parse(yaml: yaml, path: "/etc/switchboard/switchboard.yaml", environment: ["TLS_DIR": "/run/tls"])
    }

    @Test func defaults() throws {
        #expect(try parse("").tls == nil)
        let tls = try #require(try parse("tls:\n  certificate: tls/server.pem\n  private_key: ${TLS_DIR}/server.key\n").tls)
        #expect(tls == TLSConfig(certificate: "/etc/switchboard/tls/server.pem", privateKey: "/run/tls/server.key"))
        #expect(tls.clientCertificates == .none)
        #expect(tls.minimumVersion == .tls12)
        #expect(try parse("auth:\n").auth?.certificates == CertificateIdentityConfig(principal: .commonName))
    }

    @Test(arguments: [
        ("", TLSConfig.ClientCertificates.required),
        ("  client_certificates: required\n", .required),
        ("  client_certificates: optional\n", .optional),
    ])
    func clientCertificatesDefaultToRequiredWithACA(_ line: String, _ expected: TLSConfig.ClientCertificates) throws {
        let yaml = "tls:\n  certificate: /a.pem\n  private_key: /a.key\n  client_ca: ../ca/clients.pem\n" + line
        let tls = try #require(try parse(yaml).tls)
        #expect(tls.clientCA == "/etc/ca/clients.pem")
        #expect(tls.clientCertificates == expected)
    }

    @Test func fullExample() throws {
        let config = try parse("""
            tls:
              certificate: /etc/switchboard/tls/server.pem
              private_key: /etc/switchboard/tls/server.key
              client_ca: /etc/switchboard/tls/clients-ca.pem
              client_certificates: optional
              min_version: "1.3"
            auth:
              certificates:
                principal: san_uri
                roles_from: organizational_unit
                tenant_from: organization
            """)
        #expect(config.tls == TLSConfig(
            certificate: "/etc/switchboard/tls/server.pem", privateKey: "/etc/switchboard/tls/server.key",
            clientCA: "/etc/switchboard/tls/clients-ca.pem", clientCertificates: .optional, minimumVersion: .tls13
        ))
        #expect(config.auth?.certificates == CertificateIdentityConfig(principal: .sanURI, rolesFrom: .organizationalUnit, tenantFrom: .organization))
    }

    static let head = "tls:\n  certificate: /a.pem\n  private_key: /a.key\n"
    static let file = "/etc/switchboard/switchboard.yaml"

    @Test(arguments: [
        ("tls:\n", "\(file):1: tls: missing required keys \"certificate\" and \"private_key\""),
        ("tls:\n  private_key: /a.key\n", "\(file):1: tls: missing required key \"certificate\""),
        ("tls:\n  certificate: /a.pem\n", "\(file):1: tls: missing required key \"private_key\""),
        ("tls:\n  certificate: \"\"\n  private_key: /a.key\n", "\(file):2: tls.certificate: expected a non-empty string"),
        (head + "  client_certificates: required\n", "\(file):4: tls.client_certificates: required needs client_ca"),
        (head + "  client_certificates: optional\n", "\(file):4: tls.client_certificates: optional needs client_ca"),
        (head + "  client_ca: /ca.pem\n  client_certificates: none\n", "\(file):5: tls.client_certificates: none asks no client"),
        (head + "  client_certificates: sometimes\n", "\(file):4: tls.client_certificates: expected one of none, optional, required"),
        (head + "  min_version: \"1.1\"\n", "\(file):4: tls.min_version: expected one of 1.2, 1.3"),
        (head + "  key: /a.key\n", "\(file):4: tls.key: unknown key"),
        ("auth:\n  certificates:\n    principal: subject\n", "\(file):3: auth.certificates.principal: expected one of common_name, san_dns, san_uri, san_email"),
        ("auth:\n  certificates:\n    roles_from: ou\n", "\(file):3: auth.certificates.roles_from: expected one of organizational_unit, organization"),
        ("auth:\n  certificates:\n    tenant: organization\n", "\(file):3: auth.certificates.tenant: unknown key"),
    ])
    func rejectsWithFileLineAndKey(_ yaml: String, _ prefix: String) {
        do {
            _ = try parse(yaml)
            Issue.record("expected an error for \(yaml)")
        } catch {
            #expect(error.description.hasPrefix(prefix), "\(error)")
        }
    }
}

import Crypto
import Foundation
import SwiftASN1
import SwitchboardCore
import SwitchboardPolicy
import Testing
import X509

@testable import SwitchboardIdentity

/// `auth.certificates`: which part of a verified client certificate names the principal, and
/// which certificates name no one.
@Suite struct ClientCertificateIdentityTests {
    typealias Mapping = CertificateIdentityConfig

    static func agent() throws -> Certificate {
        try certificate(
            subject: DistinguishedName {
                CommonName("agent-7")
                OrganizationalUnitName("agents")
                OrganizationalUnitName("billing")
                OrganizationName("acme")
                OrganizationName("acme-holding")
            },
            alternativeNames: [
                .rfc822Name("agent-7@acme.example"),
                .dnsName("agent-7.acme.example"),
                .dnsName("agents.acme.example"),
                .uniformResourceIdentifier("spiffe://acme.example/agent/7"),
            ]
        )
    }

    @Test(arguments: [
        (Mapping(), Principal(kind: .certificate, name: "agent-7")),
        (Mapping(principal: .sanDNS), Principal(kind: .certificate, name: "agent-7.acme.example")),
        (Mapping(principal: .sanURI), Principal(kind: .certificate, name: "spiffe://acme.example/agent/7")),
        (Mapping(principal: .sanEmail), Principal(kind: .certificate, name: "agent-7@acme.example")),
        (
            Mapping(rolesFrom: .organizationalUnit, tenantFrom: .organization),
            Principal(kind: .certificate, name: "agent-7", roles: ["agents", "billing"], tenant: "acme")
        ),
        (
            Mapping(rolesFrom: .organization, tenantFrom: .organizationalUnit),
            Principal(kind: .certificate, name: "agent-7", roles: ["acme", "acme-holding"], tenant: "agents")
        ),
    ])
    func mapsTheConfiguredFields(_ mapping: Mapping, _ expected: Principal) throws {
        let identity = ClientCertificateIdentity(mapping)
        let agent = try Self.agent()
        #expect(try identity.principal(agent) == expected)
        #expect(try identity.principal(derEncoded: Self.der(agent)) == expected)
        #expect(try identity.principal(agent).id == "cert:" + expected.name)
    }

    @Test func certificatesThatNameNoOne() throws {
        let bare = try Self.certificate(subject: DistinguishedName { OrganizationName("acme") })
        let twoNames = try Self.certificate(subject: DistinguishedName {
            CommonName("alice")
            CommonName("mallory")
        })
        let control = try Self.certificate(subject: DistinguishedName { CommonName("agent\n7") })
        let cases: [(Certificate, Mapping, ClientCertificateProblem)] = [
            (bare, Mapping(), .missingName(.commonName)),
            (bare, Mapping(principal: .sanDNS), .missingName(.sanDNS)),
            (bare, Mapping(principal: .sanURI), .missingName(.sanURI)),
            (twoNames, Mapping(), .ambiguousName(.commonName)),
            (control, Mapping(), .unusableName(.commonName)),
        ]
        for (certificate, mapping, problem) in cases {
            #expect(throws: problem) { try ClientCertificateIdentity(mapping).principal(certificate) }
        }
        #expect(throws: ClientCertificateProblem.unreadable) { try ClientCertificateIdentity(Mapping()).principal(derEncoded: [0x30, 0x03, 0x01]) }
    }

    @Test func rolesSkipValuesThatAreNotUsableText() throws {
        let certificate = try Self.certificate(subject: DistinguishedName {
            CommonName("agent-8")
            OrganizationalUnitName("ops")
            OrganizationalUnitName("bad\u{7}unit")
        })
        let principal = try ClientCertificateIdentity(Mapping(rolesFrom: .organizationalUnit)).principal(certificate)
        #expect(principal.roles == ["ops"])
        #expect(principal.tenant == nil)
    }

    static func certificate(subject: DistinguishedName, alternativeNames: [GeneralName] = []) throws -> Certificate {
        let key = P256.Signing.PrivateKey()
        return try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: Date().addingTimeInterval(-60), notValidAfter: Date().addingTimeInterval(3600),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                if !alternativeNames.isEmpty { SubjectAlternativeNames(alternativeNames) }
            },
            issuerPrivateKey: .init(key)
        )
    }

    static func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }
}

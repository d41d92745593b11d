import Crypto
import Foundation
import SwiftASN1
import X509

/// A throwaway CA for one test: issues a server certificate for 127.0.0.1/localhost and client
/// certificates, and writes everything as PEM files into a temporary folder. P-256 keys,
/// valid from an hour ago for a day.
struct TestCertificateAuthority {
    /// Where a certificate and its key were written.
    struct Issued {
        var certificate: String
        var key: String
    }

    let directory: String
    let name: String
    private let key: P256.Signing.PrivateKey
    private let subject: DistinguishedName
    /// The CA certificate's PEM file: `tls.client_ca`, or a client's `--cacert`.
    let certificateFile: String

    init(name: String, directory: String) throws {
        self.directory = directory
        self.name = name
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        key = P256.Signing.PrivateKey()
        subject = try DistinguishedName { CommonName(name) }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: Date().addingTimeInterval(-3600), notValidAfter: Date().addingTimeInterval(86400),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: .init(key)
        )
        certificateFile = directory + "/\(name).pem"
        try Self.write(try certificate.serializeAsPEM().pemString, to: certificateFile)
    }

    /// A server's certificate: names 127.0.0.1 and localhost, valid from an hour ago for a day
    /// unless `validity` says otherwise (an expired one ended an hour ago).
    /// With `dnsNames`, those names only (no address).
    func issueServer(file: String = "server", validity: ClosedRange<Date>? = nil, dnsNames: [String]? = nil) throws -> Issued {
        let names: [GeneralName] = dnsNames?.map { .dnsName($0) } ?? [.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))]
        return try issue(
            file: file, subject: try DistinguishedName { CommonName("switchboard-test") }, usage: .serverAuth, alternativeNames: names, validity: validity
        )
    }

    /// Validity that ended an hour ago.
    static var expired: ClosedRange<Date> { Date().addingTimeInterval(-86400)...Date().addingTimeInterval(-3600) }

    /// A client's certificate with CN, OUs and O as given.
    func issueClient(file: String, commonName: String, units: [String] = [], organization: String? = nil) throws -> Issued {
        let subject = try DistinguishedName {
            CommonName(commonName)
            for unit in units { OrganizationalUnitName(unit) }
            if let organization { OrganizationName(organization) }
        }
        return try issue(file: file, subject: subject, usage: .clientAuth, alternativeNames: [])
    }

    private func issue(
        file: String, subject: DistinguishedName, usage: ExtendedKeyUsage.Usage, alternativeNames: [GeneralName], validity: ClosedRange<Date>? = nil
    ) throws -> Issued {
        let leafKey = P256.Signing.PrivateKey()
        let validity = validity ?? Date().addingTimeInterval(-3600)...Date().addingTimeInterval(86400)
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(leafKey.publicKey),
            notValidBefore: validity.lowerBound, notValidAfter: validity.upperBound,
            issuer: self.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([usage])
                if !alternativeNames.isEmpty { SubjectAlternativeNames(alternativeNames) }
            },
            issuerPrivateKey: .init(key)
        )
        let issued = Issued(certificate: directory + "/\(file).pem", key: directory + "/\(file).key")
        try Self.write(try certificate.serializeAsPEM().pemString, to: issued.certificate)
        try Self.write(leafKey.pemRepresentation, to: issued.key)
        return issued
    }

    private static func write(_ text: String, to path: String) throws {
        try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: path))
    }
}

import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardCore
import SwitchboardIdentity

/// Asks an authorization server for a token with the client credentials grant (RFC 6749
/// §4.4): one form POST per fetch on a connection of its own (`OneShotHTTPClient`, which
/// speaks https with the system's trust roots), with the RFC 8707 `resource` and, when
/// configured, `scope` and `audience`. The client secret is read at each fetch, so a rotated
/// `client_secret_file` applies to the next token.
struct TokenEndpointClient: Sendable {
    enum Secret: Sendable {
        case value(String)
        case file(CredentialFile)
    }

    let config: OAuthClientCredentialsConfig
    /// The `resource` sent: configured, or the server's own URL.
    let resource: String
    let secret: Secret
    let http: OneShotHTTPClient
    /// Where failures found before any request are reported.
    let eventLoop: any EventLoop

    /// The host named in errors; the path may hold a tenant id, the query a key.
    var host: String { config.tokenURL.host }

    /// Completes with a token, or fails with `TokenEndpointProblem`.
    func fetch() -> EventLoopFuture<IssuedToken> {
        let secretValue: String
        switch secret {
        case .value(let value):
            secretValue = value
        case .file(let file):
            switch file.current() {
            case .success(let value): secretValue = value
            case .failure(let error): return eventLoop.makeFailedFuture(TokenEndpointProblem(error.description))
            }
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        headers.add(name: "Accept", value: "application/json")
        if config.authentication == .clientSecretBasic {
            headers.add(name: "Authorization", value: Self.basicAuthorization(clientID: config.clientID, secret: secretValue))
        }
        let body = Array(formBody(secret: secretValue).utf8)
        return http.execute(method: .POST, headers: headers, body: body).flatMapErrorThrowing { error in
            // Connection-level reasons name hosts and system errors, never the request.
            throw TokenEndpointProblem(String(describing: error))
        }.flatMapThrowing { response in
            try IssuedToken.parse(status: response.status, body: response.body).get()
        }
    }

    func formBody(secret: String) -> String {
        var fields = [("grant_type", "client_credentials")]
        if !config.scopes.isEmpty { fields.append(("scope", config.scopes.joined(separator: " "))) }
        fields.append(("resource", resource))
        if let audience = config.audience { fields.append(("audience", audience)) }
        if config.authentication == .clientSecretPost {
            fields.append(("client_id", config.clientID))
            fields.append(("client_secret", secret))
        }
        return fields.map { Self.formEncode($0.0) + "=" + Self.formEncode($0.1) }.joined(separator: "&")
    }

    /// RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64'd, so
    /// a `:` in the id cannot shift the split.
    static func basicAuthorization(clientID: String, secret: String) -> String {
        let pair = formEncode(clientID) + ":" + formEncode(secret)
        return "Basic " + Data(pair.utf8).base64EncodedString()
    }

    /// `application/x-www-form-urlencoded` (WHATWG URL §5.2): alphanumerics and `*-._` as they
    /// are, space as `+`, every other byte percent-encoded.
    static func formEncode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                out += "+"
            default:
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(Unicode.Scalar(HexDigit.upper(byte >> 4)))
                out.unicodeScalars.append(Unicode.Scalar(HexDigit.upper(byte & 0x0F)))
            }
        }
        return out
    }
}

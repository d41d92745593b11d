import NIOCore
import SwitchboardCore

/// A token endpoint's successful answer (RFC 6749 §5.1), read with the envelope scanner: the
/// body is small and arrives once per token lifetime.
struct IssuedToken: Equatable {
    var value: String
    /// `expires_in`; nil when the server did not say.
    var lifetime: TimeAmount?
    /// `refresh_token`, when issued (authorization code and refresh grants).
    var refreshToken: String? = nil
    /// `scope`: what was granted, when the server says.
    var scope: String? = nil

    /// Parses a response; the failure is a reason for the operator, which names fields and the
    /// server's `error` code but never a token or a secret.
    static func parse(status: Int, body: [UInt8]) -> Result<IssuedToken, TokenEndpointProblem> {
        let json = try? JSONView.parse(ByteBuffer(bytes: body))
        guard status == 200 else {
            let code = json?["error"]?.string.flatMap(Self.errorCode)
            return .failure(TokenEndpointProblem("HTTP \(status)" + (code.map { " (\($0))" } ?? "")))
        }
        guard let json, json.isObject else { return .failure(TokenEndpointProblem("the response is not a JSON object")) }
        guard let value = json["access_token"]?.string, !value.isEmpty else {
            return .failure(TokenEndpointProblem("the response has no access_token"))
        }
        // RFC 6750 b64token and the like: a value that could not be sent in a header is refused.
        guard value.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
            return .failure(TokenEndpointProblem("the access_token holds characters a header cannot carry"))
        }
        guard let type = json["token_type"]?.string else { return .failure(TokenEndpointProblem("the response has no token_type")) }
        guard type.lowercased() == "bearer" else {
            return .failure(TokenEndpointProblem("token_type is \(errorCode(type) ?? "not printable"), not Bearer"))
        }
        var lifetime: TimeAmount?
        if let expires = json["expires_in"], !expires.isNull {
            // Some servers send the number as a string.
            guard let seconds = expires.double ?? expires.string.flatMap(Double.init), seconds.isFinite, seconds >= 0 else {
                return .failure(TokenEndpointProblem("expires_in is not a number of seconds"))
            }
            lifetime = .nanoseconds(Int64(min(seconds, 10 * 365 * 86_400) * 1_000_000_000))
        }
        let refresh = json["refresh_token"]?.string.flatMap { token in token.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) && !token.isEmpty ? token : nil }
        return .success(IssuedToken(value: value, lifetime: lifetime, refreshToken: refresh, scope: json["scope"]?.string))
    }

    /// An RFC 6749 §5.2 error code is short printable ASCII; anything else is not repeated.
    private static func errorCode(_ text: String) -> String? {
        guard !text.isEmpty, text.count <= 64,
            text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value <= 0x7E && $0 != "\"" && $0 != "\\" })
        else { return nil }
        return text
    }
}

/// Why a token fetch failed, in words that are safe to log and to show a caller.
struct TokenEndpointProblem: Error, Equatable, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

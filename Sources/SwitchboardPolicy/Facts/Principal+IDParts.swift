/// `Principal.id` in two parts, so that globs match it without building the string per call.
extension Principal {
    /// `key:`, `jwt:`, `cert:`, `local:`, or "" for anonymous.
    var idPrefix: String {
        switch kind {
        case .apiKey: "key:"
        case .jwt: "jwt:"
        case .certificate: "cert:"
        case .local: "local:"
        case .anonymous: ""
        }
    }

    /// The name part of `id` ("anonymous" for every anonymous caller).
    var idName: String { kind == .anonymous ? "anonymous" : name }
}

/// Why a scalar was rejected, before the loader knows where it sits in the file; `ConfigNode`
/// turns it into a `ConfigError` with file, line and key path.
struct ValueProblem: Error {
    var code: ConfigError.Code
    var message: String
    /// Whether `ConfigNode` should append `, got "…"`. False when the value may carry a secret
    /// (credentials in a URL) or when the message already says everything.
    var quotesValue: Bool

    init(_ message: String, code: ConfigError.Code = .invalidValue, quotesValue: Bool = true) {
        self.code = code
        self.message = message
        self.quotesValue = quotesValue
    }
}

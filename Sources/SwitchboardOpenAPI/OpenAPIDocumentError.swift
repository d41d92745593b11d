/// A document that cannot be used at all: unreadable, not OpenAPI 3, or not valid. The config
/// loader reports it against the `openapi` key. (An operation that cannot be mapped is an
/// `OpenAPIFinding`, not this.)
public struct OpenAPIDocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

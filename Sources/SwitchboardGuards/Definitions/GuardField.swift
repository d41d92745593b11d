/// One string a model sees in a definition, with where it is.
package struct GuardField: Sendable {
    /// What kind of string it is, for rules that read some kinds only (a parameter's name is
    /// read differently from its description).
    package enum Kind: String, Sendable, CaseIterable {
        case name
        case title
        case description
        /// A property's name in an input or output schema.
        case propertyName = "property_name"
        /// A schema's `description`, `title`, `$comment` or another string of its own.
        case schemaText = "schema_text"
        /// A `default`, `const`, `enum` or `examples` value.
        case schemaValue = "schema_value"
        case annotation
        /// A server's `instructions` (clients put them in the system prompt).
        case instructions
    }

    package var kind: Kind
    package var path: String
    package var text: String
}

/// An OpenAPI document compiled into tools: each selected operation's tool definition and the
/// plan for turning a call's arguments into its HTTP request.
public struct OpenAPIService: Sendable, Equatable {
    /// `info.title`, `info.version`: the server's name and version in the handshake.
    public var title: String
    public var version: String
    /// `info.description`: the server's instructions.
    public var description: String?
    public var operations: [OpenAPIOperation]
    /// Operations left out, and what was odd in those kept.
    public var findings: [OpenAPIFinding]
    /// Operations the selection left out (not findings: the operator asked).
    public var unselected: Int

    public init(title: String, version: String, description: String? = nil, operations: [OpenAPIOperation] = [], findings: [OpenAPIFinding] = [], unselected: Int = 0) {
        self.title = title
        self.version = version
        self.description = description
        self.operations = operations
        self.findings = findings
        self.unselected = unselected
    }
}

/// Something about one operation the gateway could not follow: the operation is left out
/// (`skipped`), or kept with a part missing.
public struct OpenAPIFinding: Sendable, Equatable, CustomStringConvertible {
    /// `METHOD /path` (and the operation id when there is one).
    public var operation: String
    public var message: String
    public var skipped: Bool

    public init(operation: String, message: String, skipped: Bool) {
        self.operation = operation
        self.message = message
        self.skipped = skipped
    }

    public var description: String { "\(operation): \(message)\(skipped ? " (left out)" : "")" }
}

/// One operation as a tool.
public struct OpenAPIOperation: Sendable, Equatable {
    /// The tool's own name (the gateway's naming rules apply above it, as for any server).
    public var name: String
    /// `GET`, `POST`, … as sent.
    public var method: String
    /// The path as the document writes it, for messages.
    public var pathTemplate: String
    /// The path, literal pieces and the parameters put between them.
    public let path: [OpenAPIPathPiece]
    /// Query, header and cookie parameters.
    public let parameters: [OpenAPIParameter]
    public let body: OpenAPIBody?
    /// The security scheme values this operation sends (from `security`).
    public var credentials: [OpenAPICredential]
    /// The tool object of `tools/list`, JSON.
    public var definition: String
    public var result: OpenAPIResultShape
    /// Every argument the tool takes, made once: a call's arguments are checked against it.
    public let arguments: Set<String>

    public init(
        name: String, method: String, pathTemplate: String, path: [OpenAPIPathPiece], parameters: [OpenAPIParameter], body: OpenAPIBody?,
        credentials: [OpenAPICredential], definition: String, result: OpenAPIResultShape
    ) {
        self.name = name
        self.method = method
        self.pathTemplate = pathTemplate
        self.path = path
        self.parameters = parameters
        self.body = body
        self.credentials = credentials
        self.definition = definition
        self.result = result
        var arguments = Set(parameters.map(\.argument))
        for case .parameter(let parameter) in path { arguments.insert(parameter.argument) }
        switch body {
        case .whole(let argument, _, _)?: arguments.insert(argument)
        case .flattened(let names, _)?: arguments.formUnion(names)
        case nil: break
        }
        self.arguments = arguments
    }
}

public enum OpenAPIPathPiece: Sendable, Equatable {
    case literal(String)
    case parameter(OpenAPIParameter)
}

/// A parameter and the argument that fills it.
public struct OpenAPIParameter: Sendable, Equatable {
    public enum Location: String, Sendable, Equatable {
        case path, query, header, cookie
    }

    /// How arrays and objects are written (OpenAPI's `style`); primitives are written alike.
    public enum Style: String, Sendable, Equatable {
        case form, simple, label, matrix, spaceDelimited, pipeDelimited, deepObject
    }

    /// The argument's name in the tool's input schema (the parameter's name, or
    /// `{location}_{name}` when two locations share a name).
    public var argument: String
    /// The name on the wire.
    public var name: String
    public var location: Location
    public var required: Bool
    public var style: Style
    public var explode: Bool
    /// Query values keep RFC 3986 reserved characters unescaped (`allowReserved`).
    public var allowReserved: Bool

    public init(argument: String, name: String, location: Location, required: Bool, style: Style, explode: Bool, allowReserved: Bool = false) {
        self.argument = argument
        self.name = name
        self.location = location
        self.required = required
        self.style = style
        self.explode = explode
        self.allowReserved = allowReserved
    }
}

/// How the request body is made from the arguments.
public enum OpenAPIBody: Sendable, Equatable {
    /// The argument holds the whole body.
    case whole(argument: String, contentType: OpenAPIBodyType, required: Bool)
    /// The body is an object whose properties are top-level arguments (those named here).
    case flattened(arguments: [String], contentType: OpenAPIBodyType)
}

public enum OpenAPIBodyType: String, Sendable, Equatable {
    case json = "application/json"
    case form = "application/x-www-form-urlencoded"
}

/// A credential put on every request of an operation. Printing shows where, never the value.
public struct OpenAPICredential: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public enum Location: String, Sendable, Equatable {
        case header, query, cookie
    }

    public var location: Location
    public var name: String
    public var value: String

    public init(location: Location, name: String, value: String) {
        self.location = location
        self.name = name
        self.value = value
    }

    public var description: String { "\(location.rawValue) \(name): <redacted>" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["location": location, "name": name]) }
}

/// What a 2xx JSON body becomes.
public enum OpenAPIResultShape: Sendable, Equatable {
    /// The declared body is an object: it is the `structuredContent`.
    case object
    /// The declared body is not an object (an array, a string): `{"result": body}`, as the
    /// `outputSchema` says.
    case wrapped
    /// Nothing declared: a JSON object body is the `structuredContent`, anything else is text.
    case undeclared
}

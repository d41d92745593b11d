package import NIOCore
package import SwitchboardCore

/// A call's arguments into the HTTP request of its operation, following OpenAPI's
/// serialization rules (`style`, `explode`, percent-encoding). Values are read from the
/// arguments' bytes and a JSON body is spliced from them, never re-encoded.
package enum OpenAPIRequestBuilder {
    package struct Built {
        /// Path and query, starting with `/`.
        package var target: String
        package var headers: [(name: String, value: String)]
        package var body: ByteBuffer?
        package var contentType: String?
    }

    /// Arguments the operation cannot be called with; the model is told, as a tool error.
    package struct ArgumentError: Error, Equatable {
        package var message: String
    }

    /// - Parameter basePath: the base URL's path, without a trailing `/`.
    package static func build(_ operation: OpenAPIOperation, basePath: String, arguments: JSONView?) throws(ArgumentError) -> Built {
        if let arguments, !arguments.isObject, !arguments.isNull { throw ArgumentError(message: "arguments must be an object") }
        let given = arguments?.isObject == true ? arguments : nil
        try rejectUnknown(given, operation)

        var target = basePath
        for piece in operation.path {
            switch piece {
            case .literal(let text):
                target += text
            case .parameter(let parameter):
                guard let value = present(given?[parameter.argument]) else { throw missing(parameter.argument) }
                target += try pathValue(parameter, value)
            }
        }
        var query: [String] = []
        var headers: [(name: String, value: String)] = []
        var cookies: [String] = []
        for parameter in operation.parameters {
            guard let value = present(given?[parameter.argument]) else {
                if parameter.required { throw missing(parameter.argument) }
                continue
            }
            switch parameter.location {
            case .query: query.append(contentsOf: queryPairs(parameter, value))
            case .header: headers.append((parameter.name, try headerValue(parameter, value)))
            case .cookie: cookies.append("\(parameter.name)=\(PercentEncoding.encode(scalarOrJoined(value, separator: ",")))")
            case .path: break
            }
        }
        for credential in operation.credentials {
            switch credential.location {
            case .header: headers.append((credential.name, credential.value))
            case .query: query.append(PercentEncoding.encode(credential.name) + "=" + PercentEncoding.encode(credential.value))
            case .cookie: cookies.append("\(credential.name)=\(credential.value)")
            }
        }
        if !cookies.isEmpty { headers.append(("Cookie", cookies.joined(separator: "; "))) }
        if !query.isEmpty { target += "?" + query.joined(separator: "&") }

        var built = Built(target: target, headers: headers)
        switch operation.body {
        case nil:
            break
        case .whole(let argument, let type, let required)?:
            guard let value = present(given?[argument]) else {
                if required { throw missing(argument) }
                break
            }
            built.contentType = type.rawValue
            if type == .json {
                built.body = value.bytes
            } else {
                guard value.isObject else { throw ArgumentError(message: "\(argument) must be an object (the body is a form)") }
                built.body = ByteBuffer(string: formBody(value.members.map { ($0.key, $0.value) }))
            }
        case .flattened(let names, let type)?:
            let members = names.compactMap { name in present(given?[name]).map { (name, $0) } }
            built.contentType = type.rawValue
            if type == .json {
                var writer = JSONWriter()
                writer.beginObject()
                for (name, value) in members { writer.field(name, raw: value.bytes) }
                writer.endObject()
                built.body = writer.buffer
            } else {
                built.body = ByteBuffer(string: formBody(members))
            }
        }
        return built
    }

    // MARK: Checks

    private static func missing(_ argument: String) -> ArgumentError {
        ArgumentError(message: "missing required argument \"\(argument)\"")
    }

    /// A value that is there and not `null`.
    private static func present(_ value: JSONView?) -> JSONView? {
        guard let value, !value.isNull else { return nil }
        return value
    }

    /// A name the tool does not take is refused rather than dropped: the model meant something.
    private static func rejectUnknown(_ arguments: JSONView?, _ operation: OpenAPIOperation) throws(ArgumentError) {
        guard let arguments else { return }
        var unknown: String?
        arguments.forEachMember { key, _ in
            let name = key.decoded()
            if !operation.arguments.contains(name) {
                unknown = name
                return false
            }
            return true
        }
        if let unknown { throw ArgumentError(message: "unknown argument \"\(unknown)\"") }
    }

    // MARK: Serialization (OpenAPI 3.1 §4.8.12.4, RFC 6570)

    private static func pathValue(_ parameter: OpenAPIParameter, _ value: JSONView) throws(ArgumentError) -> String {
        let items = parts(value)
        let joined: String
        switch items {
        case .scalar(let text):
            joined = PercentEncoding.encode(text)
        case .list(let values):
            joined = values.map { PercentEncoding.encode($0) }.joined(separator: parameter.style == .label && parameter.explode ? "." : ",")
        case .pairs(let pairs):
            joined = pairs.map { PercentEncoding.encode($0.0) + (parameter.explode ? "=" : ",") + PercentEncoding.encode($0.1) }
                .joined(separator: parameter.style == .label && parameter.explode ? "." : ",")
        }
        if joined.isEmpty { throw ArgumentError(message: "\"\(parameter.argument)\" is empty, and a path segment cannot be") }
        switch parameter.style {
        case .label: return "." + joined
        case .matrix: return ";" + PercentEncoding.encode(parameter.name) + "=" + joined
        default: return joined
        }
    }

    private static func queryPairs(_ parameter: OpenAPIParameter, _ value: JSONView) -> [String] {
        let keep: Set<UInt8> = parameter.allowReserved ? PercentEncoding.reserved : []
        let name = PercentEncoding.encode(parameter.name)
        switch parts(value) {
        case .scalar(let text):
            return ["\(name)=\(PercentEncoding.encode(text, keeping: keep))"]
        case .list(let values):
            if parameter.explode, parameter.style == .form { return values.map { "\(name)=\(PercentEncoding.encode($0, keeping: keep))" } }
            let separator = parameter.style == .spaceDelimited ? "%20" : parameter.style == .pipeDelimited ? "|" : ","
            return ["\(name)=" + values.map { PercentEncoding.encode($0, keeping: keep) }.joined(separator: separator)]
        case .pairs(let pairs):
            if parameter.style == .deepObject {
                return pairs.map { "\(name)%5B\(PercentEncoding.encode($0.0))%5D=\(PercentEncoding.encode($0.1, keeping: keep))" }
            }
            if parameter.explode { return pairs.map { "\(PercentEncoding.encode($0.0))=\(PercentEncoding.encode($0.1, keeping: keep))" } }
            return ["\(name)=" + pairs.map { PercentEncoding.encode($0.0) + "," + PercentEncoding.encode($0.1, keeping: keep) }.joined(separator: ",")]
        }
    }

    private static func headerValue(_ parameter: OpenAPIParameter, _ value: JSONView) throws(ArgumentError) -> String {
        let text: String
        switch parts(value) {
        case .scalar(let scalar): text = scalar
        case .list(let values): text = values.joined(separator: ",")
        case .pairs(let pairs): text = pairs.map { $0.0 + (parameter.explode ? "=" : ",") + $0.1 }.joined(separator: ",")
        }
        if text.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
            throw ArgumentError(message: "\"\(parameter.argument)\" cannot contain line breaks (it is sent as a header)")
        }
        return text
    }

    private static func formBody(_ members: [(String, JSONView)]) -> String {
        members.map { TokenEndpointClient.formEncode($0.0) + "=" + TokenEndpointClient.formEncode(scalarOrJoined($0.1, separator: ",")) }.joined(separator: "&")
    }

    private enum Parts {
        case scalar(String)
        case list([String])
        case pairs([(String, String)])
    }

    /// A value as text pieces: nested arrays and objects inside are written as JSON.
    private static func parts(_ value: JSONView) -> Parts {
        switch value.kind {
        case .array: return .list(value.elements.map(scalarText))
        case .object: return .pairs(value.members.map { ($0.key, scalarText($0.value)) })
        default: return .scalar(scalarText(value))
        }
    }

    private static func scalarOrJoined(_ value: JSONView, separator: String) -> String {
        switch parts(value) {
        case .scalar(let text): text
        case .list(let values): values.joined(separator: separator)
        case .pairs(let pairs): pairs.map { $0.0 + separator + $0.1 }.joined(separator: separator)
        }
    }

    private static func scalarText(_ value: JSONView) -> String {
        switch value.kind {
        case .string: value.string ?? ""
        case .null: ""
        default: value.rawText
        }
    }
}

import NIOCore
import SwitchboardCore
import Testing

@testable import SwitchboardUpstream

/// Arguments into requests, per OpenAPI's serialization rules; no network.
@Suite struct OpenAPIRequestBuilderTests {
    private func parameter(_ name: String, _ location: OpenAPIParameter.Location, style: OpenAPIParameter.Style = .form, explode: Bool = true, required: Bool = false)
        -> OpenAPIParameter
    {
        .init(argument: name, name: name, location: location, required: required, style: style, explode: explode)
    }

    private func operation(path: [OpenAPIPathPiece] = [.literal("/x")], parameters: [OpenAPIParameter] = [], body: OpenAPIBody? = nil, credentials: [OpenAPICredential] = [])
        -> OpenAPIOperation
    {
        .init(name: "op", method: "POST", pathTemplate: "/x", path: path, parameters: parameters, body: body, credentials: credentials, definition: "{}", result: .undeclared)
    }

    private func build(_ operation: OpenAPIOperation, _ arguments: String, base: String = "/api") throws -> OpenAPIRequestBuilder.Built {
        try OpenAPIRequestBuilder.build(operation, basePath: base, arguments: try JSONView.parse(ByteBuffer(string: arguments)))
    }

    private func failure(_ operation: OpenAPIOperation, _ arguments: String) -> String? {
        do {
            _ = try build(operation, arguments)
            return nil
        } catch let error as OpenAPIRequestBuilder.ArgumentError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func pathValuesAreEncodedAndStyled() throws {
        let id = parameter("id", .path, style: .simple, explode: false, required: true)
        let op = operation(path: [.literal("/pets/"), .parameter(id), .literal("/photos")])
        #expect(try build(op, #"{"id":"a b/c?é"}"#).target == "/api/pets/a%20b%2Fc%3F%C3%A9/photos")
        #expect(try build(op, #"{"id":[1,2,3]}"#).target == "/api/pets/1,2,3/photos")
        #expect(try build(op, #"{"id":42}"#).target == "/api/pets/42/photos")
        let label = operation(path: [.literal("/l"), .parameter(parameter("v", .path, style: .label, explode: true, required: true))])
        #expect(try build(label, #"{"v":["a","b"]}"#).target == "/api/l.a.b")
        let matrix = operation(path: [.literal("/m"), .parameter(parameter("v", .path, style: .matrix, explode: false, required: true))])
        #expect(try build(matrix, #"{"v":"x"}"#).target == "/api/m;v=x")
        #expect(failure(op, #"{}"#) == #"missing required argument "id""#)
        #expect(failure(op, #"{"id":null}"#) == #"missing required argument "id""#)
        #expect(failure(op, #"{"id":""}"#)?.contains("empty") == true)
    }

    @Test func queryStyles() throws {
        let tags = parameter("tags", .query)
        #expect(try build(operation(parameters: [tags]), #"{"tags":["a","b c"]}"#).target == "/api/x?tags=a&tags=b%20c")
        let joined = parameter("tags", .query, explode: false)
        #expect(try build(operation(parameters: [joined]), #"{"tags":["a","b"]}"#).target == "/api/x?tags=a,b")
        let spaced = parameter("tags", .query, style: .spaceDelimited, explode: false)
        #expect(try build(operation(parameters: [spaced]), #"{"tags":["a","b"]}"#).target == "/api/x?tags=a%20b")
        let piped = parameter("tags", .query, style: .pipeDelimited, explode: false)
        #expect(try build(operation(parameters: [piped]), #"{"tags":["a","b"]}"#).target == "/api/x?tags=a|b")
        let deep = parameter("filter", .query, style: .deepObject)
        #expect(try build(operation(parameters: [deep]), #"{"filter":{"color":"red","size":2}}"#).target == "/api/x?filter%5Bcolor%5D=red&filter%5Bsize%5D=2")
        let exploded = parameter("point", .query)
        #expect(try build(operation(parameters: [exploded]), #"{"point":{"x":1,"y":true}}"#).target == "/api/x?x=1&y=true")
        #expect(try build(operation(parameters: [tags]), #"{}"#).target == "/api/x", "an optional parameter left out")
        #expect(failure(operation(parameters: [parameter("q", .query, required: true)]), #"{}"#) == #"missing required argument "q""#)
    }

    @Test func headersCookiesAndCredentials() throws {
        let op = operation(
            parameters: [parameter("X-Trace", .header, style: .simple, explode: false), parameter("theme", .cookie)],
            credentials: [.init(location: .header, name: "X-Key", value: "k"), .init(location: .query, name: "api key", value: "v&1"), .init(location: .cookie, name: "s", value: "c")]
        )
        let built = try build(op, #"{"X-Trace":"abc","theme":"dark mode"}"#)
        #expect(built.target == "/api/x?api%20key=v%261")
        #expect(built.headers.map { "\($0.name): \($0.value)" } == ["X-Trace: abc", "X-Key: k", "Cookie: theme=dark%20mode; s=c"])
        #expect(failure(op, #"{"X-Trace":"a\r\nInjected: 1"}"#)?.contains("line breaks") == true)
    }

    @Test func bodiesAreSplicedFromTheArguments() throws {
        let flat = operation(parameters: [parameter("dry", .query)], body: .flattened(arguments: ["name", "tags"], contentType: .json))
        let built = try build(flat, #"{"name":"rex","dry":true,"tags":[{"id":1}, {"id":2}]}"#)
        #expect(built.target == "/api/x?dry=true")
        #expect(built.contentType == "application/json")
        #expect(built.body.map { String(buffer: $0) } == #"{"name":"rex","tags":[{"id":1}, {"id":2}]}"#)

        let whole = operation(body: .whole(argument: "body", contentType: .json, required: true))
        #expect(try build(whole, #"{"body":[1, 2]}"#).body.map { String(buffer: $0) } == "[1, 2]")
        #expect(failure(whole, #"{}"#) == #"missing required argument "body""#)

        let form = operation(body: .flattened(arguments: ["a", "b"], contentType: .form))
        let encoded = try build(form, #"{"a":"x y","b":["1","2"]}"#)
        #expect(encoded.contentType == "application/x-www-form-urlencoded")
        #expect(encoded.body.map { String(buffer: $0) } == "a=x+y&b=1%2C2")
    }

    @Test func unknownArgumentsAreRefused() throws {
        let op = operation(parameters: [parameter("q", .query)])
        #expect(failure(op, #"{"q":"x","limit":3}"#) == #"unknown argument "limit""#)
        #expect(failure(op, #"[1]"#) == "arguments must be an object")
        #expect(try OpenAPIRequestBuilder.build(op, basePath: "", arguments: nil).target == "/x")
    }
}

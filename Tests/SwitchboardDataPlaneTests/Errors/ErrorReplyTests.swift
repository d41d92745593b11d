import NIOCore
import SwitchboardCore
import SwitchboardUpstream
import Testing
@testable import SwitchboardDataPlane

/// What a client of each era receives for an error: the code, the HTTP status, `Retry-After`.
@Suite struct ErrorReplyTests {
    private func view(_ text: String) throws -> JSONView { try JSONView.parse(ByteBuffer(string: text)) }

    @Test(arguments: [
        // error, legacy status, 2026-07-28 status, code sent to a 2026-07-28 client
        (GatewayError.methodNotFound("x"), 200, 404, JSONRPCErrorCode.methodNotFound),
        (.missingCapability("sampling"), 200, 400, JSONRPCErrorCode.missingRequiredClientCapability),
        (.resourceNotFound("file:///a"), 200, 200, JSONRPCErrorCode.invalidParams),
        (.invalidParams("bad"), 200, 200, JSONRPCErrorCode.invalidParams),
        (.quotaExceeded(limit: "burst", kind: "rate", retryAfter: .milliseconds(1500)), 429, 429, JSONRPCErrorCode.quotaExceeded),
        (.sessionLimit("full"), 503, 503, JSONRPCErrorCode.overloaded),
        (.overloaded("busy"), 200, 200, JSONRPCErrorCode.overloaded),
        (.upstream(.timeout(server: "s", after: .seconds(1))), 200, 200, JSONRPCErrorCode.upstreamTimeout),
    ] as [(GatewayError, Int, Int, Int)])
    func statusesAndCodesPerEra(error: GatewayError, legacy: Int, modern: Int, modernCode: Int) throws {
        let old = ErrorReply(error, id: JSONRPCID(1), modernClient: false)
        #expect(old.httpStatus == legacy)
        #expect(try JSONView.parse(old.body)["error"]?["code"]?.int == error.code, "legacy clients get the gateway's own code")
        let new = ErrorReply(error, id: JSONRPCID(1), modernClient: true)
        #expect(new.httpStatus == modern)
        #expect(try JSONView.parse(new.body)["error"]?["code"]?.int == modernCode)
    }

    @Test func quotaRefusalsSayWhenToRetry() {
        let reply = ErrorReply(.quotaExceeded(limit: "burst", kind: "rate", retryAfter: .milliseconds(1500)), id: nil, modernClient: false)
        #expect(reply.retryAfter == 2, "rounded up to whole seconds")
        #expect(ErrorReply(.invalidCursor, id: nil, modernClient: false).retryAfter == nil)
    }

    @Test func serverErrorsAreRenumberedPerEra() throws {
        let notFound = try view(#"{"code":-32002,"message":"Resource not found"}"#)
        let modern = ErrorReply(relaying: notFound, from: "s", id: JSONRPCID(3), modernClient: true)
        #expect(try JSONView.parse(modern.body)["error"]?["code"]?.int == JSONRPCErrorCode.invalidParams)
        let legacy = ErrorReply(relaying: notFound, from: "s", id: JSONRPCID(3), modernClient: false)
        #expect(try JSONView.parse(legacy.body)["error"]?["code"]?.int == JSONRPCErrorCode.resourceNotFound)
        #expect(try JSONView.parse(legacy.body)["id"]?.int == 3)

        // The 2026 codes describe the gateway's exchange with the server: they name the server.
        let mismatch = try view(#"{"code":-32021,"message":"needs elicitation"}"#)
        for modernClient in [false, true] {
            let reply = ErrorReply(relaying: mismatch, from: "crm", id: JSONRPCID(1), modernClient: modernClient)
            let error = try JSONView.parse(reply.body)["error"]
            #expect(error?["code"]?.int == JSONRPCErrorCode.upstreamProtocolError)
            #expect(error?["message"]?.string?.contains("needs elicitation") == true && error?["data"]?["server"]?.string == "crm")
            #expect(reply.httpStatus == 200)
        }
        let unknownMethod = try view(#"{"code":-32601,"message":"nope"}"#)
        #expect(ErrorReply(relaying: unknownMethod, from: "s", id: JSONRPCID(1), modernClient: true).httpStatus == 404)
        #expect(ErrorReply(relaying: unknownMethod, from: "s", id: JSONRPCID(1), modernClient: false).httpStatus == 200)
    }
}

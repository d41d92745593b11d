import Synchronization
import NIOCore
import SwitchboardCore
package import SwitchboardUpstream

extension Gateway {
    /// Answers a request with a result the gateway made, shaped for the client's era.
    func reply(_ message: JSONRPCMessage, result: ByteBuffer, session: DownstreamSession, responder: any DownstreamResponder, cacheScope: String = "public") {
        let shaped = session.isModern
            ? EraShaping.result(result, method: message.method ?? "", for: session, fromModernServer: false, serverInfo: serverInfoJSON, cacheScope: cacheScope)
            : result
        session.sendFinal(JSONRPCEncoding.result(id: message.id!, result: shaped), via: responder, method: message.method, isError: false)
    }

    /// Answers a request with a gateway error.
    func fail(_ message: JSONRPCMessage, _ error: GatewayError, session: DownstreamSession, responder: any DownstreamResponder) {
        let (response, status) = errorResponse(error, id: message.id, for: session)
        session.sendFinal(response, via: responder, method: message.method, isError: true, httpStatus: status, retryAfter: error.retryAfterSeconds)
    }

    /// The error message and HTTP status for `session`'s era: 2026-07-28 reports a missing
    /// resource as invalid params (digest §6) and an unknown method with a 404. A quota
    /// refusal is a 429 in every era (SDK clients read the JSON-RPC error from its body).
    private func errorResponse(_ error: GatewayError, id: JSONRPCID?, for session: DownstreamSession) -> (ByteBuffer, Int) {
        if case .quotaExceeded = error { return (error.response(id: id), 429) }
        guard session.isModern else { return (error.response(id: id), 200) }
        var code = error.code
        if code == JSONRPCErrorCode.resourceNotFound { code = JSONRPCErrorCode.invalidParams }
        let response = code == error.code ? error.response(id: id) : JSONRPCEncoding.error(id: id, code: code, message: error.message, data: error.data)
        return (response, EraShaping.httpStatus(code: code, for: session))
    }

    /// Relays a server's response to `target`, under that client's id and shaped for its era.
    func deliver(_ response: JSONRPCMessage, to target: CallContext.Target, method: String, from server: UpstreamServer) {
        let session = target.session
        if let result = response.result {
            let modernServer = server.speaksModernEra
            var shaped = session.isModern || modernServer
                ? EraShaping.result(result.bytes, method: method, for: session, fromModernServer: modernServer, serverInfo: serverInfoJSON)
                : result.bytes
            if session.isModern, modernServer,
                let named = TaskNaming.federate(shaped, method: method, server: server.name, owner: session, sealer: sealer)
            {
                shaped = named
            }
            session.sendFinal(JSONRPCEncoding.result(id: target.downstreamID, result: shaped), via: target.responder, method: method, isError: false)
        } else if let error = response.error {
            if session.isModern, !server.speaksModernEra, error["code"]?.int == JSONRPCErrorCode.urlElicitationRequired,
                requireURLElicitation(error, to: target, method: method, from: server)
            {
                return
            }
            let (object, code) = EraShaping.error(error, for: session, server: server.name)
            session.sendFinal(
                JSONRPCEncoding.error(id: target.downstreamID, errorObject: object), via: target.responder, method: method,
                isError: true, httpStatus: EraShaping.httpStatus(code: code, for: session)
            )
        }
    }

    /// Ends the call's request with a gateway error, unless it was answered already.
    func fail(_ call: CallContext, _ error: GatewayError) {
        guard let target = call.finish() else { return }
        target.session.finish(call: call, id: target.downstreamID)
        answer(target, method: call.method, with: error)
    }

    /// Answers `target` with a gateway error.
    func answer(_ target: CallContext.Target, method: String, with error: GatewayError) {
        let (response, status) = errorResponse(error, id: target.downstreamID, for: target.session)
        target.session.sendFinal(response, via: target.responder, method: method, isError: true, httpStatus: status)
    }
}

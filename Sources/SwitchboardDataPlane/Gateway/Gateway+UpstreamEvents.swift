package import NIOCore
import Logging
package import SwitchboardCore
package import SwitchboardUpstream
import SwitchboardAudit

/// What servers send that no single call owns, handed to the component it concerns.
extension Gateway: UpstreamEventsDelegate {
    package func upstream(_ server: UpstreamServer, sentNotification message: JSONRPCMessage) {
        guard let method = message.method else { return }
        switch method {
        case MCPMethod.toolsListChanged, MCPMethod.promptsListChanged, MCPMethod.resourcesListChanged:
            if method == MCPMethod.resourcesListChanged { catalogue.forget(server: server.name) }
            // The guards learn the server's new names at its next list (or the next call to it).
            if method == MCPMethod.toolsListChanged { catalogue.toolNames.forget(server: server.name) }
            listen.broadcast(listChanged: method)
        case MCPMethod.resourceUpdated:
            listen.resourceUpdated(message, from: server.name)
        case MCPMethod.message:
            listen.log(message)
        case MCPMethod.cancelled:
            listen.serverCancelled(message, by: server)
        default:
            logger.debug("upstream notification dropped", metadata: ["switchboard.server": "\(server.name)", "switchboard.method": "\(method)"])
        }
    }

    /// Sampling, elicitation and roots requests go to the client whose call caused them.
    package func upstream(_ server: UpstreamServer, sentRequest message: JSONRPCMessage, observer: (any UpstreamCallObserver)?) {
        // The upstream side knows calls only as observers; every observer it is given is a
        // `ForwardedCall` (the gateway makes them all).
        calls.input.relay(message, from: server, during: observer as? ForwardedCall, sessions: sessions)
    }

    /// A server that came back may have a different catalogue: clients are told to re-list.
    package func upstreamBecameReady(_ server: UpstreamServer, restarted: Bool) {
        if isConfigured(server) {
            let protocolVersion = server.status.protocolVersion.map { ", protocol \($0)" } ?? ""
            calls.audit?.gatewayEvent(.upstreamReady, server: server.name, detail: (restarted ? "restarted" : "started") + protocolVersion)
        }
        guard restarted else { return }
        catalogue.forget(server: server.name)
        catalogue.toolNames.forget(server: server.name)
        let caps = server.initializeResult?["capabilities"]
        if caps?["tools"] != nil { listen.broadcast(listChanged: MCPMethod.toolsListChanged) }
        if caps?["prompts"] != nil { listen.broadcast(listChanged: MCPMethod.promptsListChanged) }
        if caps?["resources"] != nil { listen.broadcast(listChanged: MCPMethod.resourcesListChanged) }
    }

    /// A server down is a fact of the trail: calls to it fail until it is back.
    package func upstreamFailed(_ server: UpstreamServer, reason: String, retryIn: TimeAmount) {
        guard isConfigured(server) else { return }
        calls.audit?.gatewayEvent(.upstreamFailed, server: server.name, detail: "\(reason); retried in \(retryIn.nanoseconds / 1_000_000) ms")
    }

    /// One of the configured servers, not a caller's own session to one (per-user OAuth),
    /// whose comings and goings are the caller's, not the trail's.
    private func isConfigured(_ server: UpstreamServer) -> Bool {
        servers.all.contains { $0 === server }
    }
}

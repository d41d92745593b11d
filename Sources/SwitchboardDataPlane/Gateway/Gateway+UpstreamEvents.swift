import NIOCore
import Logging
package import SwitchboardCore
package import SwitchboardUpstream

/// What servers send that no single call owns, handed to the component it concerns.
extension Gateway: UpstreamEventsDelegate {
    package func upstream(_ server: UpstreamServer, sentNotification message: JSONRPCMessage) {
        guard let method = message.method else { return }
        switch method {
        case MCPMethod.toolsListChanged, MCPMethod.promptsListChanged, MCPMethod.resourcesListChanged:
            if method == MCPMethod.resourcesListChanged { catalogue.forget(server: server.name) }
            listen.broadcast(listChanged: method)
        case MCPMethod.resourceUpdated:
            listen.resourceUpdated(message)
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
        guard restarted else { return }
        catalogue.forget(server: server.name)
        let caps = server.initializeResult?["capabilities"]
        if caps?["tools"] != nil { listen.broadcast(listChanged: MCPMethod.toolsListChanged) }
        if caps?["prompts"] != nil { listen.broadcast(listChanged: MCPMethod.promptsListChanged) }
        if caps?["resources"] != nil { listen.broadcast(listChanged: MCPMethod.resourcesListChanged) }
    }
}

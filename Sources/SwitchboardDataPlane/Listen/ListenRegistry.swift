import NIOCore
import SwitchboardCore
import Synchronization

/// The `subscriptions/listen` streams of 2026-07-28 clients (spec digest §3.1): which
/// notifications each opted into, and where to send them.
final class ListenRegistry: Sendable {
    struct Listener: Sendable {
        /// The `subscriptions/listen` request, answered only when the stream ends.
        var exchange: MCPExchange
        /// The listen request's id as JSON text: every notification carries it as
        /// `subscriptionId`.
        var subscriptionID: String
        var toolsListChanged: Bool
        var promptsListChanged: Bool
        var resourcesListChanged: Bool
        var resourceURIs: Set<String>

        func wants(_ method: String) -> Bool {
            switch method {
            case MCPMethod.toolsListChanged: toolsListChanged
            case MCPMethod.promptsListChanged: promptsListChanged
            case MCPMethod.resourcesListChanged: resourcesListChanged
            default: false
            }
        }
    }

    private let listeners = Mutex<[ObjectIdentifier: Listener]>([:])

    var count: Int { listeners.withLock { $0.count } }

    func add(_ listener: Listener) {
        listeners.withLock { $0[ObjectIdentifier(listener.exchange)] = listener }
    }

    /// Listeners still open; the ones whose client went away are dropped and returned apart,
    /// so their resource subscriptions can be released.
    func live() -> (open: [Listener], gone: [Listener]) {
        listeners.withLock { l in
            var open: [Listener] = []
            var gone: [Listener] = []
            for (key, listener) in l {
                if listener.exchange.session.isClosed {
                    gone.append(listener)
                    l[key] = nil
                } else {
                    open.append(listener)
                }
            }
            return (open, gone)
        }
    }

    func remove(_ exchange: MCPExchange) -> Listener? {
        listeners.withLock { $0.removeValue(forKey: ObjectIdentifier(exchange)) }
    }

    func isSubscribed(_ uri: String) -> Bool {
        listeners.withLock { $0.values.contains { !$0.exchange.session.isClosed && $0.resourceURIs.contains(uri) } }
    }

    func removeAll() -> [Listener] {
        listeners.withLock { l in
            defer { l.removeAll() }
            return Array(l.values)
        }
    }
}

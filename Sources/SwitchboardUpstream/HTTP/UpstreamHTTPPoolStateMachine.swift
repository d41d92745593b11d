import NIOCore

/// The bookkeeping of one upstream's connection pool: which connections are idle, how many
/// are being opened, who waits. Pure: it returns what to do and the pool does it outside its
/// lock. At most `maxConnections` connections are open or opening; requests beyond that wait
/// in a queue of at most `maxWaiters`, and are refused when it is full.
struct UpstreamHTTPPoolStateMachine {
    struct Waiter {
        var id: UInt64
        var exchange: UpstreamHTTPExchange
        var timeout: Scheduled<Void>?
    }

    enum AcquireAction {
        case run(UpstreamHTTPExchange, on: any Channel)
        /// Queued as `waiterID`; when `createConnection` is set, one more connection is opened.
        case wait(waiterID: UInt64, createConnection: Bool)
        case fail(UpstreamHTTPExchange, UpstreamTransportError)
    }

    enum ConnectionAction {
        case none
        case run(Waiter, on: any Channel)
        case close(any Channel)
        case createConnection
    }

    let maxConnections: Int
    let maxWaiters: Int

    private var connections: [ObjectIdentifier: any Channel] = [:]
    /// Most recently used last: reusing the warmest connection lets the others idle out.
    private var idle: [ObjectIdentifier] = []
    private var connecting = 0
    private var waiters = CircularBuffer<Waiter>()
    private var nextWaiterID: UInt64 = 0
    private(set) var isShutDown = false

    init(maxConnections: Int, maxWaiters: Int) {
        self.maxConnections = max(1, maxConnections)
        self.maxWaiters = max(0, maxWaiters)
    }

    /// Connections open now (idle or busy), not counting ones being opened.
    var openConnections: Int { connections.count }

    mutating func acquire(_ exchange: UpstreamHTTPExchange) -> AcquireAction {
        if isShutDown { return .fail(exchange, .notConnected) }
        while let id = idle.popLast() {
            if let channel = connections[id], channel.isActive { return .run(exchange, on: channel) }
        }
        // Waiters matched by a connection being opened do not count against the queue.
        guard waiters.count - connecting < maxWaiters || connections.count + connecting < maxConnections else {
            return .fail(exchange, .timeout("all \(maxConnections) upstream connections busy and \(maxWaiters) requests queued"))
        }
        nextWaiterID += 1
        waiters.append(Waiter(id: nextWaiterID, exchange: exchange))
        let create = connections.count + connecting < maxConnections
        if create { connecting += 1 }
        return .wait(waiterID: nextWaiterID, createConnection: create)
    }

    /// Records the queue timeout of a waiter; false when it is no longer waiting.
    mutating func setTimeout(_ timeout: Scheduled<Void>, forWaiter id: UInt64) -> Bool {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return false }
        waiters[index].timeout = timeout
        return true
    }

    mutating func waiterTimedOut(_ id: UInt64) -> Waiter? {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return waiters.remove(at: index)
    }

    mutating func connectionEstablished(_ channel: any Channel) -> ConnectionAction {
        connecting -= 1
        if isShutDown { return .close(channel) }
        connections[ObjectIdentifier(channel)] = channel
        return handOut(channel)
    }

    /// A connection could not be opened. While another connection exists or is being opened
    /// the waiters keep their place; otherwise the server is unreachable and all of them fail.
    mutating func connectionFailed() -> [Waiter] {
        connecting -= 1
        guard connecting == 0, connections.isEmpty else { return [] }
        defer { waiters.removeAll() }
        return Array(waiters)
    }

    mutating func connectionBecameIdle(_ channel: any Channel) -> ConnectionAction {
        guard connections[ObjectIdentifier(channel)] != nil else { return .close(channel) }
        return handOut(channel)
    }

    mutating func connectionClosed(_ channel: any Channel) -> ConnectionAction {
        let id = ObjectIdentifier(channel)
        guard connections.removeValue(forKey: id) != nil else { return .none }
        idle.removeAll { $0 == id }
        guard !isShutDown, !waiters.isEmpty, connections.count + connecting < maxConnections else { return .none }
        connecting += 1
        return .createConnection
    }

    /// Stops the pool: returns the waiters to fail and the connections to close.
    mutating func shutDown() -> (waiters: [Waiter], connections: [any Channel]) {
        isShutDown = true
        let result = (Array(waiters), Array(connections.values))
        waiters.removeAll()
        connections.removeAll()
        idle.removeAll()
        return result
    }

    private mutating func handOut(_ channel: any Channel) -> ConnectionAction {
        if let waiter = waiters.popFirst() { return .run(waiter, on: channel) }
        idle.append(ObjectIdentifier(channel))
        return .none
    }
}

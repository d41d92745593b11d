import NIOCore
import SwitchboardAudit
import SwitchboardCore
import SwitchboardPolicy
import Synchronization

/// One A2A task: one tool call made for one caller, its state, the messages that went into it
/// and its result. A task is a name, not a credential: only the principal that made it (on
/// the same agent, `/a2a` or a virtual server) may read, answer, cancel or follow it.
final class A2ATask: Sendable {
    /// What moved the task, for those following it.
    enum Change: Sendable {
        /// A new status (progress while working, or the end).
        case status
        /// The result, then the status that came with it.
        case result
    }

    typealias Listener = @Sendable (A2ATaskSnapshot, Change) -> Void

    /// The call the task waits on to continue after `input-required` (MRTR, spec digest §4.1).
    struct Pending: Sendable {
        /// The `tools/call` arguments, as sent.
        var arguments: String
        var requestState: String?
        /// The `inputRequests` key the next message answers.
        var inputKey: String
    }

    private struct State {
        var state: A2ATaskState = .submitted
        var statusMessage: A2AMessage?
        var timestamp = AuditTime.nowMicroseconds()
        var artifact: [A2APart]?
        var history: [A2AMessage] = []
        var pending: Pending?
        /// The request running now; cancelling the task cancels it.
        var exchange: MCPExchange?
        var listeners: [UInt64: Listener] = [:]
        var nextListener: UInt64 = 0
    }

    let id: String
    let contextID: String
    let owner: String
    let virtualServer: String?
    /// The tool, as the caller named it.
    let skill: String
    private let state = Mutex(State())

    init(id: String, contextID: String, owner: String, virtualServer: String?, skill: String) {
        self.id = id
        self.contextID = contextID
        self.owner = owner
        self.virtualServer = virtualServer
        self.skill = skill
    }

    func isOwned(by caller: RequestCaller, virtualServer: String?) -> Bool {
        owner == caller.principal.id && self.virtualServer == virtualServer
    }

    var snapshot: A2ATaskSnapshot { state.withLock { Self.snapshot(of: $0, self) } }
    var current: A2ATaskState { state.withLock { $0.state } }
    var updatedAt: Int64 { state.withLock { $0.timestamp } }

    private static func snapshot(of state: State, _ task: A2ATask) -> A2ATaskSnapshot {
        A2ATaskSnapshot(
            id: task.id, contextID: task.contextID, state: state.state, statusMessage: state.statusMessage, timestamp: AuditTime.rfc3339(state.timestamp),
            artifact: state.artifact, history: state.history, skill: task.skill
        )
    }

    /// Follows the task until it is interrupted (ends, or waits for input); nil when it
    /// already is, with its snapshot.
    func follow(_ listener: @escaping Listener) -> (snapshot: A2ATaskSnapshot, id: UInt64?) {
        state.withLock { state in
            let snapshot = Self.snapshot(of: state, self)
            guard !state.state.isInterrupted else { return (snapshot, nil) }
            state.nextListener += 1
            state.listeners[state.nextListener] = listener
            return (snapshot, state.nextListener)
        }
    }

    func unfollow(_ id: UInt64) {
        _ = state.withLock { $0.listeners.removeValue(forKey: id) }
    }

    func received(_ message: A2AMessage) {
        state.withLock { $0.history.append(message) }
    }

    /// Starts (or resumes) running `exchange`; false when the task was cancelled meanwhile.
    func running(_ exchange: MCPExchange?) -> Bool {
        let cancelled = state.withLock { state -> Bool in
            guard state.state != .canceled else { return true }
            state.exchange = exchange
            return false
        }
        if cancelled { exchange?.clientLeft() }
        return !cancelled
    }

    /// Progress, as the status message of a working task.
    func progressed(_ text: String) {
        update(.status) { state in
            guard state.state == .submitted || state.state == .working else { return false }
            state.state = .working
            state.statusMessage = A2AMessage(messageID: "\(self.id)-progress-\(state.history.count)", fromAgent: true, parts: [.text(text)])
            return true
        }
    }

    func started() {
        update(.status) { state in
            guard state.state == .submitted || state.state == .inputRequired else { return false }
            state.state = .working
            state.statusMessage = nil
            state.pending = nil
            return true
        }
    }

    /// The call's end: `parts` are the result (nil: none), `message` what the agent says.
    func finished(_ final: A2ATaskState, parts: [A2APart]?, message: String?) {
        update(parts == nil ? .status : .result) { state in
            guard !state.state.isTerminal else { return false }
            state.state = final
            state.artifact = parts ?? state.artifact
            state.pending = nil
            state.exchange = nil
            if let message {
                let said = A2AMessage(messageID: "\(self.id)-\(state.history.count)", fromAgent: true, parts: [.text(message)])
                state.statusMessage = said
                state.history.append(said)
            } else {
                state.statusMessage = nil
            }
            return true
        }
    }

    /// Input-required with the question as the status message (its text and, as data, the
    /// schema of the answer).
    func asks(_ question: String, schema: String?, pending: Pending) {
        update(.status) { state in
            guard !state.state.isTerminal else { return false }
            state.state = .inputRequired
            state.pending = pending
            state.exchange = nil
            var parts: [A2APart] = [.text(question)]
            if let schema { parts.append(.data(#"{"requestedSchema":"# + schema + "}")) }
            let said = A2AMessage(messageID: "\(self.id)-\(state.history.count)", fromAgent: true, parts: parts)
            state.statusMessage = said
            state.history.append(said)
            return true
        }
    }

    /// What an answer resumes, taken once: nil unless the task waits for input.
    func takePending() -> Pending? {
        state.withLock { state in
            guard state.state == .inputRequired, let pending = state.pending else { return nil }
            state.pending = nil
            state.state = .submitted
            return pending
        }
    }

    /// Cancels the task and its running call; false when it had already ended.
    func cancel() -> Bool {
        var exchange: MCPExchange?
        let changed = update(.status) { state in
            guard !state.state.isTerminal else { return false }
            exchange = state.exchange
            state.exchange = nil
            state.pending = nil
            state.state = .canceled
            state.statusMessage = A2AMessage(messageID: "\(self.id)-canceled", fromAgent: true, parts: [.text("Canceled.")])
            return true
        }
        exchange?.clientLeft()
        return changed
    }

    /// Applies `change` under the lock; when it changed something, tells the listeners (after
    /// the lock), and lets them go once the task is interrupted.
    @discardableResult
    private func update(_ kind: Change, _ change: (inout State) -> Bool) -> Bool {
        let (changed, snapshot, listeners) = state.withLock { state -> (Bool, A2ATaskSnapshot?, [Listener]) in
            guard change(&state) else { return (false, nil, []) }
            state.timestamp = AuditTime.nowMicroseconds()
            guard !state.listeners.isEmpty else { return (true, nil, []) }
            let listeners = Array(state.listeners.values)
            if state.state.isInterrupted { state.listeners.removeAll() }
            return (true, Self.snapshot(of: state, self), listeners)
        }
        if let snapshot { for listener in listeners { listener(snapshot, kind) } }
        return changed
    }
}

/// The tasks of one gateway process, bounded: at most `capacity`, the oldest that ended
/// making room, and an ended task forgotten after `retention`. Not shared between replicas:
/// a task is read where it was made. Tasks are kept in the order they were made, so making
/// room looks at the oldest few, not at all of them.
final class A2ATasks: Sendable {
    static let capacity = 10_000
    /// An hour, in microseconds.
    static let retention: Int64 = 3_600_000_000
    /// Running tasks passed over when making room, at most, before the table is called full.
    static let scanLimit = 64

    private struct State {
        var tasks: [String: A2ATask] = [:]
        /// Ids, oldest first; `head` is where the live part starts.
        var order: [String] = []
        var head = 0
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int = A2ATasks.capacity) {
        self.capacity = capacity
    }

    var count: Int { state.withLock { $0.tasks.count } }

    func task(_ id: String, for caller: RequestCaller, virtualServer: String?) -> A2ATask? {
        guard let task = state.withLock({ $0.tasks[id] }), task.isOwned(by: caller, virtualServer: virtualServer) else { return nil }
        return task
    }

    func list(for caller: RequestCaller, virtualServer: String?) -> [A2ATask] {
        state.withLock { Array($0.tasks.values) }.filter { $0.isOwned(by: caller, virtualServer: virtualServer) }
    }

    /// Keeps `task`; false when the table is full of tasks still running.
    func add(_ task: A2ATask) -> Bool {
        let now = AuditTime.nowMicroseconds()
        return state.withLock { state in
            Self.forgetExpired(&state, now: now)
            if state.tasks.count >= capacity, !Self.makeRoom(&state) { return false }
            state.tasks[task.id] = task
            state.order.append(task.id)
            Self.compact(&state)
            return true
        }
    }

    /// Ended tasks past their retention, from the oldest on.
    private static func forgetExpired(_ state: inout State, now: Int64) {
        while state.head < state.order.count {
            let id = state.order[state.head]
            guard let task = state.tasks[id] else {
                state.head += 1
                continue
            }
            guard task.current.isTerminal, now - task.updatedAt > retention else { return }
            state.tasks[id] = nil
            state.head += 1
        }
    }

    /// Forgets the oldest ended task; running ones met on the way go to the back.
    private static func makeRoom(_ state: inout State) -> Bool {
        var passed = 0
        while state.head < state.order.count, passed < scanLimit {
            let id = state.order[state.head]
            state.head += 1
            guard let task = state.tasks[id] else { continue }
            if task.current.isTerminal {
                state.tasks[id] = nil
                return true
            }
            state.order.append(id)
            passed += 1
        }
        return false
    }

    /// Drops the consumed front of `order` once it is most of it.
    private static func compact(_ state: inout State) {
        guard state.head > 1024, state.head * 2 > state.order.count else { return }
        state.order.removeFirst(state.head)
        state.head = 0
    }
}

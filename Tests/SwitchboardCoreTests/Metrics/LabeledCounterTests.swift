import CoreMetrics
import Synchronization
import Testing
@testable import SwitchboardCore

/// One handle per label value, made once and reused; increments land on their own value's.
@Suite struct LabeledCounterTests {
    final class RecordingFactory: MetricsFactory, Sendable {
        final class Handle: CounterHandler, Sendable {
            let total = Atomic<Int64>(0)
            func increment(by amount: Int64) { total.add(amount, ordering: .relaxed) }
            func reset() { total.store(0, ordering: .relaxed) }
        }

        let made = Mutex<[(label: String, dimensions: [(String, String)], handle: Handle)]>([])

        func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
            let handle = Handle()
            made.withLock { $0.append((label, dimensions, handle)) }
            return handle
        }

        func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler { fatalError("unused") }
        func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { fatalError("unused") }
        func destroyCounter(_ handler: any CounterHandler) {}
        func destroyRecorder(_ handler: any RecorderHandler) {}
        func destroyTimer(_ handler: any TimerHandler) {}
    }

    @Test func eachValueHasOneHandleMadeOnce() {
        let factory = RecordingFactory()
        let counter = LabeledCounter("switchboard_list_gaps_total", label: "server", factory: factory)
        counter.increment(server: "crm")
        counter.increment(server: "crm")
        counter.increment("docs")
        let made = factory.made.withLock { $0 }
        #expect(made.count == 2)
        #expect(made.map(\.label) == ["switchboard_list_gaps_total", "switchboard_list_gaps_total"])
        #expect(made.map { $0.dimensions.map { "\($0.0)=\($0.1)" } } == [["server=crm"], ["server=docs"]])
        #expect(made.map { $0.handle.total.load(ordering: .relaxed) } == [2, 1])
    }
}

package import CoreMetrics
import Metrics
import Synchronization

/// A counter family with one label whose handles are made once per value and reused. Only for
/// labels whose values are bounded (server names from the config, codes from the code's own
/// lists), never session ids or argument values.
package final class LabeledCounter: Sendable {
    private let name: String
    private let label: String
    private let handles = Mutex<[String: Counter]>([:])
    /// Where handles come from; nil is the bootstrapped `MetricsSystem` (tests pass their own).
    private let factory: (any MetricsFactory)?

    package init(_ name: String, label: String, factory: (any MetricsFactory)? = nil) {
        self.name = name
        self.label = label
        self.factory = factory
    }

    package func increment(server value: String) {
        increment(value)
    }

    package func increment(_ value: String) {
        let counter = handles.withLock { h -> Counter in
            if let c = h[value] { return c }
            let c = factory.map { Counter(label: name, dimensions: [(label, value)], factory: $0) } ?? Counter(label: name, dimensions: [(label, value)])
            h[value] = c
            return c
        }
        counter.increment()
    }
}

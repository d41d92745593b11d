import Metrics
import Synchronization

/// A counter family with one label whose handles are made once per value and reused. Only for
/// labels whose values are bounded (server names from the config, codes from the code's own
/// lists), never session ids or argument values.
package final class LabeledCounter: Sendable {
    private let name: String
    private let label: String
    private let handles = Mutex<[String: Counter]>([:])

    package init(_ name: String, label: String) {
        self.name = name
        self.label = label
    }

    package func increment(server value: String) {
        increment(value)
    }

    package func increment(_ value: String) {
        let counter = handles.withLock { h -> Counter in
            if let c = h[value] { return c }
            let c = Counter(label: name, dimensions: [(label, value)])
            h[value] = c
            return c
        }
        counter.increment()
    }
}

/// Why a benchmark command could not run at all; ArgumentParser prints the text and exits 1.
/// Failures of single requests during a run are data, counted in the report instead.
struct BenchError: Error, CustomStringConvertible, Sendable {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

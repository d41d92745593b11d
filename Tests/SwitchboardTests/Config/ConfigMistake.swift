import Testing

@testable import Switchboard

/// `yaml` must fail to load, with an error that starts with `prefix` (file, line and key) and
/// says `says`.
func expectConfigMistake(_ yaml: String, _ prefix: String, _ says: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try ConfigLoader.parse(yaml: yaml, path: "switchboard.yaml", environment: [:])
        Issue.record("loaded: \(yaml)", sourceLocation: sourceLocation)
    } catch {
        #expect("\(error)".hasPrefix(prefix), "\(error)", sourceLocation: sourceLocation)
        #expect("\(error)".contains(says), "\(error)", sourceLocation: sourceLocation)
    }
}

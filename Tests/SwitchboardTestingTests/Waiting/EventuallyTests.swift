import Synchronization
import SwitchboardTesting
import Testing

/// The one way tests wait: it returns as soon as the condition holds, and fails by name.
@Suite struct EventuallyTests {
    @Test func returnsOnceTheConditionHolds() async throws {
        let polls = Atomic<Int>(0)
        try await eventually("three polls") { polls.add(1, ordering: .relaxed).newValue >= 3 }
        #expect(polls.load(ordering: .relaxed) == 3)
    }

    @Test func failsNamingWhatItWaitedFor() async {
        await #expect(throws: TimedOut.self) {
            try await eventually("the impossible", timeout: .milliseconds(30)) { false }
        }
        do {
            try await eventually("the impossible", timeout: .milliseconds(30)) { false }
        } catch {
            #expect("\(error)".contains("the impossible not seen within"))
        }
    }

    @Test func aValueEndsTheWaitAndNilDoesNot() async throws {
        let polls = Atomic<Int>(0)
        let value = try await eventuallyValue("the second poll") { () -> String? in
            polls.add(1, ordering: .relaxed).newValue == 2 ? "found" : nil
        }
        #expect(value == "found")
        #expect(polls.load(ordering: .relaxed) == 2)
    }
}

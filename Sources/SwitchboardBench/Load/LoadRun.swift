import NIOCore
import NIOPosix

/// One load run: spreads the connections over the group's event loops, opens them, runs the
/// schedule, and merges what every loop counted.
struct LoadRun {
    let plan: LoadPlan
    let warmup: TimeAmount
    let duration: TimeAmount
    let group: MultiThreadedEventLoopGroup

    struct Outcome: Sendable {
        var tally: LoadTally
        /// This process's CPU time from the first request to the last answer.
        var cpu: Duration
        /// From the start of the measured window to the last recorded answer, at least the
        /// window itself: the time the recorded requests really took.
        var measuredSeconds: Double
    }

    func run() async throws -> Outcome {
        let loops = Array(group.makeIterator())
        let loopCount = min(loops.count, plan.connections)
        var crews: [(loop: any EventLoop, crew: NIOLoopBound<LoadCrew>)] = []
        for (offset, loop) in loops.prefix(loopCount).enumerated() {
            let connections = Array(stride(from: offset, to: plan.connections, by: loopCount))
            let plan = self.plan
            let crew = try await loop.submit { NIOLoopBound(LoadCrew(loop: loop, plan: plan, connections: connections), eventLoop: loop) }.get()
            crews.append((loop, crew))
        }
        let opened = crews.map { entry in entry.loop.flatSubmit { entry.crew.value.open() } }
        for future in opened { try await future.get() }

        let cpuStart = ProcessCPU.now()
        let timing = LoadTiming(start: .now() + .milliseconds(5), warmup: warmup, duration: duration, drain: plan.requestTimeout)
        let runs = crews.map { entry in entry.loop.flatSubmit { entry.crew.value.run(timing) } }
        var total = LoadTally()
        for future in runs { total.merge(try await future.get()) }
        let end = max(timing.measureEnd, total.lastRecordedAt ?? timing.measureEnd)
        let measured = Double((end - timing.measureStart).nanoseconds) / 1e9
        return Outcome(tally: total, cpu: ProcessCPU.now() - cpuStart, measuredSeconds: measured)
    }
}

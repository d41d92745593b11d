import NIOCore

/// The load connections on one event loop and their shared tally.
final class LoadCrew {
    private let loop: any EventLoop
    private let recorder = LoadRecorder()
    private let workers: [LoadWorker]

    init(loop: any EventLoop, plan: LoadPlan, connections: [Int]) {
        self.loop = loop
        let recorder = self.recorder
        self.workers = connections.map { LoadWorker(plan: plan, index: $0, loop: loop, recorder: recorder) }
    }

    func open() -> EventLoopFuture<Void> {
        EventLoopFuture.andAllSucceed(workers.map { $0.open() }, on: loop)
    }

    /// Runs every connection; stops any still busy a second after `timing.drainEnd`, so the run
    /// ends even if a peer stops answering in a way no timeout caught.
    func run(_ timing: LoadTiming) -> EventLoopFuture<LoadTally> {
        let finished = EventLoopFuture.andAllSucceed(workers.map { $0.run(timing) }, on: loop)
        let watchdog = loop.assumeIsolated().scheduleTask(deadline: timing.drainEnd + .seconds(1)) {
            for worker in self.workers { worker.finish() }
        }
        return finished.assumeIsolated().map {
            watchdog.cancel()
            return self.recorder.tally
        }.nonisolated()
    }
}

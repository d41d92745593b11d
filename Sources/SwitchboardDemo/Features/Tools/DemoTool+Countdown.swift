extension DemoTool {
    static let countdown = DemoTool(
        name: "countdown",
        title: "Countdown",
        description:
            "Counts down the given number of seconds (at most 60), reporting progress each second "
            + "when the request carries a progressToken, then returns \"liftoff\". Stops when cancelled.",
        inputSchema: objectSchema(
            ["seconds": ["type": "integer", "minimum": 0, "maximum": 60, "description": "How long to count down."]],
            required: ["seconds"]
        ),
        run: { arguments, context in
            let seconds = Int(try arguments.integer("seconds", in: 0...60))
            await context.log(.info, logger: "countdown", "Countdown of \(seconds) seconds started")
            for elapsed in stride(from: 1, through: seconds, by: 1) {
                // Task.sleep throws CancellationError as soon as notifications/cancelled cancels the call.
                try await Task.sleep(for: context.environment.countdownTick)
                let left = seconds - elapsed
                await context.progress(elapsed, total: seconds, message: left == 0 ? "liftoff" : "T-minus \(left)")
            }
            return .text("liftoff")
        }
    )
}

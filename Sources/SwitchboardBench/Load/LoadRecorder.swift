/// The tally of the connections on one event loop, touched only on that loop, so recording a
/// request takes no lock.
final class LoadRecorder {
    var tally = LoadTally()
}

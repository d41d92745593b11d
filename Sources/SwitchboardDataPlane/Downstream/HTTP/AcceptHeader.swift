import NIOHTTP1

/// What an `Accept` header allows; a missing header or `*/*` allows both. Read on every
/// request, so it scans the raw values without lower-casing or splitting them.
struct AcceptHeader {
    var json = false
    var eventStream = false

    init(_ headers: HTTPHeaders) {
        var seen = false
        for (name, value) in headers where ASCII.equalsIgnoringCase(name, "accept") {
            seen = true
            if ASCII.contains(value, "application/json") || ASCII.contains(value, "application/*") { json = true }
            if ASCII.contains(value, "text/event-stream") || ASCII.contains(value, "text/*") { eventStream = true }
            if ASCII.contains(value, "*/*") {
                json = true
                eventStream = true
            }
        }
        if !seen {
            json = true
            eventStream = true
        }
    }
}

/// Runs `body` with `resource`, then `stop`s it whether `body` passed or threw: the shape of
/// every test that starts something it must not leave running.
func stopping<Resource>(_ resource: Resource, stop: (Resource) async -> Void, _ body: (Resource) async throws -> Void) async throws {
    do {
        try await body(resource)
    } catch {
        await stop(resource)
        throw error
    }
    await stop(resource)
}

/// Where the ids of ended sessions are remembered until their sealed tokens expire, so that
/// DELETE makes an id unusable although it would still open. One replica keeps them in memory
/// (`InMemorySessionRevocations`); several replicas need one shared list, which is a store
/// behind this same protocol, chosen by configuration.
package protocol SessionRevocations: Sendable {
    /// Remembers `id` as ended until `expiresAt` (Unix seconds), after which the token itself
    /// no longer opens.
    func revoke(_ id: String, until expiresAt: Int64, now: Int64)
    func isRevoked(_ id: String, now: Int64) -> Bool
}

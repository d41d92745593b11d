/// What the directory found for a presented key. Revoked and expired keys carry their record
/// so logs can name the key (never its text); the data plane answers all but `.valid` with 401.
package enum KeyLookup: Sendable, Hashable {
    case valid(APIKeyRecord)
    /// Not a key, or not one this gateway issued.
    case unknown
    case revoked(APIKeyRecord)
    case expired(APIKeyRecord)
}

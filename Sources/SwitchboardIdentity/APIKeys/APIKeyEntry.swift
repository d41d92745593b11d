/// A record with the digest it is found by: what the store hands the directory. Kept apart
/// from `APIKeyRecord` so that records can be listed and encoded without carrying the digest.
package struct APIKeyEntry: Sendable, Hashable {
    package var digest: APIKeyDigest
    package var record: APIKeyRecord

    package init(digest: APIKeyDigest, record: APIKeyRecord) {
        self.digest = digest
        self.record = record
    }
}

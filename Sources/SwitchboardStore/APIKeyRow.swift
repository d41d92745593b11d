import Foundation
import GRDB
import SwitchboardIdentity

/// Reading and writing `api_keys` rows. Roles and virtual servers are JSON array text so that
/// the table stays readable with the `sqlite3` shell. Decoding throws rather than traps: the
/// file is outside the process's control.
enum APIKeyRow {
    static func entry(_ row: Row) throws -> APIKeyEntry {
        let id: String = try row.decode(forColumn: "id")
        guard let digest = APIKeyDigest(hex: try row.decode(forColumn: "digest")) else {
            throw StoreError(.database, "the stored digest of key \(id) is malformed")
        }
        let record = APIKeyRecord(
            id: id,
            name: try row.decode(forColumn: "name"),
            roles: try decodeList(row.decode(forColumn: "roles"), column: "roles", id: id) ?? [],
            tenant: try row.decode(forColumn: "tenant"),
            virtualServers: try decodeList(row.decode(forColumn: "virtual_servers"), column: "virtual_servers", id: id),
            createdAt: try row.decode(forColumn: "created_at"),
            expiresAt: try row.decode(forColumn: "expires_at"),
            revokedAt: try row.decode(forColumn: "revoked_at"),
            lastUsedAt: try row.decode(forColumn: "last_used_at")
        )
        return APIKeyEntry(digest: digest, record: record)
    }

    static func encodeList(_ list: [String]) -> String {
        // A [String] always encodes; the fallback only satisfies the type checker.
        guard let data = try? JSONEncoder().encode(Array(Set(list)).sorted()) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    private static func decodeList(_ text: String?, column: String, id: String) throws -> [String]? {
        guard let text else { return nil }
        guard let list = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
            throw StoreError(.database, "the stored \(column) of key \(id) are not a JSON array of strings")
        }
        return list
    }
}

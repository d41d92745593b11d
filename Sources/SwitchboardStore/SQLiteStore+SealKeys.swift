import Crypto
import Foundation
import GRDB

extension SQLiteStore {
    /// The session seal keys kept in the store, newest first. The first call on a store
    /// without one makes one (256 bits from the system CSPRNG, base64url) inside the same
    /// write, so processes starting together on one store agree on it; `making` false only
    /// reads.
    package func sealKeys(making: Bool = true) throws(StoreError) -> [String] {
        let at = now()
        return try perform {
            try writer.write { db in
                let kept = try String.fetchAll(db, sql: "SELECT secret FROM seal_keys ORDER BY id DESC")
                if !kept.isEmpty || !making { return kept }
                let secret = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
                    .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
                try db.execute(sql: "INSERT INTO seal_keys (secret, created_at) VALUES (?, ?)", arguments: [secret, at])
                return [secret]
            }
        }
    }
}

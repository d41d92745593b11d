/// Reading the whole journal through a filter: `audit export`, and queries when the store's
/// index is off.
package enum AuditScan {
    /// Every matching record, oldest first, handed to `body` one at a time.
    package static func each(directory: String, filter: AuditFilter, _ body: (AuditEntry) throws -> Void) throws {
        let reader = AuditReader(directory: directory, after: 0)
        while true {
            let entries = try reader.next(limit: 1000)
            if entries.isEmpty { return }
            for entry in entries where filter.matches(entry) { try body(entry) }
        }
    }

    /// The newest `limit` matching records, oldest first.
    package static func newest(directory: String, filter: AuditFilter, limit: Int) throws -> [AuditEntry] {
        guard limit > 0 else { return [] }
        var kept: [AuditEntry] = []
        try each(directory: directory, filter: filter) { entry in
            kept.append(entry)
            if kept.count > limit * 2 { kept.removeFirst(kept.count - limit) }
        }
        return Array(kept.suffix(limit))
    }
}

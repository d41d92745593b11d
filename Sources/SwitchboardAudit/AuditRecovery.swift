#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Opening the journal where the last writer left it. After a crash the last line may be torn
/// (cut, recorded as `audit.recovered`), and calls may have begun without ending: each gets a
/// `call.end` with outcome `gateway_crash`, so every `call.begin` has its end. The chain goes on
/// from the last stored hash; a journal that is gone starts again from genesis.
enum AuditRecovery {
    struct Opened {
        /// Held (with its lock) as long as the journal is open.
        var lock: CInt
        var fd: CInt
        var segmentSize: Int
        var seq: UInt64
        var prev: String
        /// To append at once: what recovery found, then `audit.opened`.
        var records: [AuditRecord]
    }

    static func open(_ options: AuditJournal.Options) throws(AuditFailure) -> Opened {
        try makeDirectory(options.directory)
        let lock = try lockJournal(options.directory)
        do {
            return try open(options, lock: lock)
        } catch {
            AuditSegments.closeFile(lock)
            throw error
        }
    }

    /// One writer per journal: two processes appending to one chain would break it.
    private static func lockJournal(_ directory: String) throws(AuditFailure) -> CInt {
        let path = directory + "/.lock"
        let fd = AuditSegments.openFile(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AuditFailure("cannot create \(path): \(AuditSegments.errnoText())") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            AuditSegments.closeFile(fd)
            throw AuditFailure("the audit journal \(directory) is in use by another switchboard process; give each gateway its own audit.journal")
        }
        return fd
    }

    private static func open(_ options: AuditJournal.Options, lock: CInt) throws(AuditFailure) -> Opened {
        let segments = try AuditSegments.list(options.directory)
        guard let lastName = segments.last else {
            let fd = try create(options.directory + "/" + AuditSegments.name(firstSeq: 1))
            return Opened(lock: lock, fd: fd, segmentSize: 0, seq: 0, prev: AuditChain.genesis, records: [AuditRecord(event: .auditOpened)])
        }
        let path = options.directory + "/" + lastName
        let bytes = try AuditSegments.contents(of: path) ?? []
        var seq: UInt64 = 0
        var prev = AuditChain.genesis
        var keep = 0
        var kept: [ArraySlice<UInt8>] = []
        for line in AuditSegments.lines(bytes) {
            guard line.terminated, let parsed = AuditLine(line.bytes) else { break }
            seq = parsed.seq
            prev = parsed.hash
            keep = line.offset + line.bytes.count + 1
            kept.append(line.bytes)
        }
        var lastLine = kept.last
        if keep == 0, segments.count > 1 {
            // An empty (or wholly torn) newest segment: the chain goes on from the one before.
            let previous = try AuditSegments.contents(of: options.directory + "/" + segments[segments.count - 2]) ?? []
            if let last = AuditSegments.lines(previous).last(where: { $0.terminated }), let parsed = AuditLine(last.bytes) {
                seq = parsed.seq
                prev = parsed.hash
                lastLine = last.bytes
            }
        }
        let torn = bytes.count - keep
        let fd = try openForAppend(path, truncatingTo: keep)
        var records: [AuditRecord] = []
        // Only a trail left by a crash is read as JSON: a clean one ends in audit.closed.
        let crashed = torn > 0 || (lastLine.map { record($0)?["event"] as? String != AuditEvent.auditClosed.rawValue } ?? false)
        if crashed {
            let open = unended(try earlierLines(segments, options.directory) + kept)
            var recovered = AuditRecord(event: .auditRecovered)
            recovered.detail = "the gateway stopped without closing the trail: \(torn) torn byte(s) cut, \(open.count) call(s) closed as gateway_crash"
            records.append(recovered)
            for (id, begin) in open.sorted(by: { $0.key < $1.key }) {
                records.append(crashEnd(id: id, begin: begin))
            }
        }
        records.append(AuditRecord(event: .auditOpened))
        return Opened(lock: lock, fd: fd, segmentSize: keep, seq: seq, prev: prev, records: records)
    }

    private static func record(_ line: ArraySlice<UInt8>) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any]
    }

    /// The lines of the segments before the newest that may hold calls the crash left open:
    /// back to the one where the crashed run began (its `audit.opened`), at most
    /// `recoveryReach` of them (a call outlives a few segments only on a journal rotated
    /// every few seconds), oldest first.
    private static func earlierLines(_ segments: [String], _ directory: String) throws(AuditFailure) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        for name in segments.dropLast().suffix(recoveryReach).reversed() {
            let bytes = try AuditSegments.contents(of: directory + "/" + name) ?? []
            let segment = AuditSegments.lines(bytes).filter(\.terminated).map(\.bytes)
            lines = segment + lines
            if bytes.firstRange(of: openedMarker) != nil { break }
        }
        return lines
    }

    static let recoveryReach = 4
    private static let openedMarker = Array(#""event":"audit.opened""#.utf8)
    private static let callMarker = Array(#""event":"call."#.utf8)

    /// The `call.begin` records among `lines` that no `call.end` follows, by call id.
    private static func unended(_ lines: [ArraySlice<UInt8>]) -> [String: [String: Any]] {
        var open: [String: [String: Any]] = [:]
        for line in lines where line.firstRange(of: callMarker) != nil {
            guard let record = record(line), let id = record["id"] as? String else { continue }
            switch record["event"] as? String {
            case AuditEvent.callBegin.rawValue: open[id] = record
            case AuditEvent.callEnd.rawValue: open[id] = nil
            default: break
            }
        }
        return open
    }

    /// The `call.end` of a call whose gateway died: the begin's facts, outcome `gateway_crash`.
    private static func crashEnd(id: String, begin: [String: Any]) -> AuditRecord {
        var end = AuditRecord(event: .callEnd)
        end.id = id
        if let requestID = begin["request_id"] {
            end.requestID = (try? JSONSerialization.data(withJSONObject: requestID, options: [.fragmentsAllowed]))
                .map { String(decoding: $0, as: UTF8.self) }
        }
        end.session = begin["session"] as? String
        end.principal = begin["principal"] as? String
        end.principalKind = begin["principal_kind"] as? String
        end.tenant = begin["tenant"] as? String
        end.virtualServer = begin["virtual_server"] as? String
        end.server = begin["server"] as? String
        end.tool = begin["tool"] as? String
        end.method = begin["method"] as? String
        end.era = begin["era"] as? String
        end.outcome = "gateway_crash"
        return end
    }

    static func makeDirectory(_ directory: String) throws(AuditFailure) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw AuditFailure("the audit journal \(directory) is not a directory") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw AuditFailure("cannot create the audit journal \(directory): \((error as NSError).localizedDescription)")
        }
    }

    static func create(_ path: String) throws(AuditFailure) -> CInt {
        // Read and write: the journal maps the segment it writes (`AuditJournal`).
        let fd = AuditSegments.openFile(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AuditFailure("cannot create \(path): \(AuditSegments.errnoText())") }
        return fd
    }

    private static func openForAppend(_ path: String, truncatingTo size: Int) throws(AuditFailure) -> CInt {
        let fd = try create(path)
        var status = stat()
        if fstat(fd, &status) == 0, Int(status.st_size) != size, ftruncate(fd, off_t(size)) != 0 {
            AuditSegments.closeFile(fd)
            throw AuditFailure("cannot cut the torn end of \(path): \(AuditSegments.errnoText())")
        }
        return fd
    }
}

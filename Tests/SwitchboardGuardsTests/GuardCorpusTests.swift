import Foundation
import NIOCore
import SwitchboardCore
import Testing

@testable import SwitchboardGuards

/// The scanner against corpora written for it from the public research, not from its rules:
/// realistic poisoned definitions of every family (overt, obfuscated with invisible
/// characters, look-alikes, encodings and other languages, and semantic ones in plain words)
/// and real servers' honest definitions, including those a keyword list would flag
/// (`Corpus/poisoned.json`, `Corpus/benign.json`). The goals are issue 14's: at least 90 % of
/// poisoned definitions blocked, at most 3 % of benign ones warned or blocked.
@Suite struct GuardCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    static func entries(_ name: String) throws -> [JSONView] {
        let data = try Data(contentsOf: corpus.appendingPathComponent(name))
        return try JSONView.parse(ByteBuffer(bytes: data), maxDepth: 128).elements
    }

    static func scan(_ entry: JSONView) throws -> GuardReport {
        let input = try #require(entry["input"])
        return DefinitionScanner().scan(try GuardCatalogue.parse(input.bytes))
    }

    /// Runs `body` on a thread of its own: scanning the corpora is seconds of CPU without a
    /// suspension point, which on Swift concurrency's pool (two threads on a 2-core machine)
    /// would starve every other test running meanwhile.
    static func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    @Test func poisonedDefinitionsAreBlocked() async throws {
        try await Self.offThePool { try Self.checkPoisoned() }
    }

    @Test func benignDefinitionsPass() async throws {
        try await Self.offThePool { try Self.checkBenign() }
    }

    static func checkPoisoned() throws {
        var blocked = 0
        var total = 0
        var overt = (blocked: 0, total: 0)
        var missed: [String] = []
        var companionsFlagged: [String] = []
        for entry in try Self.entries("poisoned.json") {
            let id = entry["id"]?.string ?? "?"
            let report = try Self.scan(entry)
            let poisoned = Set(entry["poisoned"]?.elements.map { "\($0["server"]?.string ?? "")/\($0["tool"]?.string ?? "")" } ?? [])
            var caught = true
            for server in report.servers {
                for item in server.items {
                    if poisoned.contains("\(server.name)/\(item.name)") {
                        caught = caught && item.verdict == .block
                    } else if item.verdict != .clean {
                        companionsFlagged.append("\(id) \(server.name)/\(item.name): \(item.findings.map(\.rule))")
                    }
                }
            }
            total += 1
            if caught { blocked += 1 } else { missed.append(id) }
            if entry["kind"]?.string != "semantic" {
                overt.total += 1
                if caught { overt.blocked += 1 }
            }
        }
        print("poisoned definitions blocked: \(blocked) of \(total); overt and obfuscated: \(overt.blocked) of \(overt.total); missed: \(missed)")
        #expect(total >= 100)
        #expect(blocked * 100 >= total * 90, "missed \(missed)")
        #expect(overt.blocked * 100 >= overt.total * 95, "missed \(missed)")
        // The honest tools beside the poisoned ones count as benign definitions.
        #expect(companionsFlagged.isEmpty, "\(companionsFlagged)")
    }

    static func checkBenign() throws {
        var flagged: [String] = []
        var total = 0
        for entry in try Self.entries("benign.json") {
            let report = try Self.scan(entry)
            for server in report.servers {
                for item in server.items {
                    total += 1
                    if item.verdict != .clean {
                        flagged.append("\(entry["id"]?.string ?? "?") \(server.name)/\(item.name) \(item.verdict): \(item.findings.map { "\($0.rule) at \($0.path): \($0.excerpt)" })")
                    }
                }
            }
        }
        print("benign definitions flagged: \(flagged.count) of \(total)")
        #expect(total >= 250)
        #expect(flagged.count * 100 <= total * 3, "\(flagged.joined(separator: "\n"))")
    }
}

import Crypto
import NIOCore
import SwitchboardAudit
import SwitchboardCore
import Testing

/// Record fields in their fixed order and names; time in RFC 3339; keyed digests.
@Suite struct AuditRecordTests {
    @Test func fieldsKeepTheirNamesAndOrder() {
        var record = AuditRecord(event: .callEnd)
        record.time = 1_765_042_800_123_456
        record.id = "c1"
        record.requestID = #""abc""#
        record.session = "s1"
        record.principal = "jwt:alice"
        record.principalKind = "jwt"
        record.tenant = "acme"
        record.clientName = "claude"
        record.clientVersion = "1.2"
        record.onBehalfOf = "bob"
        record.virtualServer = "ops"
        record.server = "github"
        record.tool = "github__create_issue"
        record.method = "tools/call"
        record.era = "legacy"
        record.decision = "allow"
        record.rule = "agents"
        record.policyVersion = "p1"
        record.outcome = "tool_error"
        record.latencyMicroseconds = 812
        record.upstreamLatencyMicroseconds = 700
        record.argsDigest = "hmac-sha256:01020304:x"
        record.resultDigest = "hmac-sha256:01020304:y"
        record.traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
        #expect(String(buffer: record.encodedFields()) == #""time":"2025-12-06T17:40:00.123456Z","event":"call.end","id":"c1","request_id":"abc","session":"s1","principal":"jwt:alice","principal_kind":"jwt","tenant":"acme","client":{"name":"claude","version":"1.2"},"on_behalf_of":"bob","virtual_server":"ops","server":"github","tool":"github__create_issue","method":"tools/call","era":"legacy","decision":"allow","rule":"agents","policy_version":"p1","outcome":"tool_error","latency_us":812,"upstream_latency_us":700,"args_digest":"hmac-sha256:01020304:x","result_digest":"hmac-sha256:01020304:y","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736""#)
        // The caller's fields encoded once (a session's) and given back: the same bytes.
        var cached = record
        cached.encodedCallerFields = record.encodedCaller()
        cached.session = nil
        cached.principal = nil
        cached.clientName = nil
        #expect(cached.encodedFields() == record.encodedFields())
        #expect(String(buffer: record.encodedCaller()) == #""session":"s1","principal":"jwt:alice","principal_kind":"jwt","tenant":"acme","client":{"name":"claude","version":"1.2"}"#)
    }

    @Test func timesAreRFC3339InUTC() {
        #expect(AuditTime.rfc3339(0) == "1970-01-01T00:00:00.000000Z")
        #expect(AuditTime.rfc3339(951_782_400_000_001) == "2000-02-29T00:00:00.000001Z")
        #expect(AuditTime.rfc3339(4_102_444_799_999_999) == "2099-12-31T23:59:59.999999Z")
    }

    @Test func digestsAreKeyedAndNameTheirKey() {
        let one = AuditDigester(key: Array(repeating: 1, count: 32))
        let two = AuditDigester(key: Array(repeating: 2, count: 32))
        let arguments = Array(#"{"user":42}"#.utf8)
        #expect(one.digest(arguments) == one.digest(arguments))
        #expect(one.digest(arguments) != two.digest(arguments), "another key, another digest")
        #expect(one.digest(arguments).hasPrefix("hmac-sha256:" + one.keyID + ":"))
        #expect(one.keyID.count == 8)
    }

    /// The digester's HMAC is RFC 2104's: RFC 4231 test case 2 (a short key), case 6 (a key
    /// longer than a block), and `HMAC<SHA256>` for keys of every length around the block.
    @Test func digestsAreHMACSHA256() throws {
        func hex(_ text: String) -> [UInt8] {
            stride(from: 0, to: text.count, by: 2).map { UInt8(text.dropFirst($0).prefix(2), radix: 16)! }
        }
        func mac(_ digest: String) -> [UInt8]? { Base64URL.decode(String(digest.split(separator: ":").last!)) }
        let jefe = AuditDigester(key: Array("Jefe".utf8))
        #expect(mac(jefe.digest(Array("what do ya want for nothing?".utf8))) == hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"))
        let long = AuditDigester(key: Array(repeating: 0xaa, count: 131))
        let message = Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
        #expect(mac(long.digest(message)) == hex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"))
        for length in [0, 1, 16, 32, 63, 64, 65, 200] {
            let key = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
            for payload in [[], Array("{}".utf8), [UInt8](repeating: 9, count: 1000)] {
                let expected = Array(HMAC<SHA256>.authenticationCode(for: payload, using: SymmetricKey(data: key)))
                #expect(mac(AuditDigester(key: key).digest(payload)) == expected, "key \(length) bytes, payload \(payload.count)")
            }
        }
    }
}

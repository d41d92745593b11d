import NIOCore
import SwitchboardAudit
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
}

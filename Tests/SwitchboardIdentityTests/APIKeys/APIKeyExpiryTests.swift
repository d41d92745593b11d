import Foundation
import Testing
@testable import SwitchboardIdentity

@Suite struct APIKeyExpiryTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z

    static let lifetimes: [(String, Double)] = [
        ("90m", 90 * 60),
        ("12h", 12 * 3600),
        ("30d", 30 * 86_400),
        ("2w", 14 * 86_400),
    ]

    @Test(arguments: lifetimes)
    func lifetimesCountFromNow(text: String, seconds: Double) throws {
        #expect(try APIKeyExpiry.parse(text, now: now) == now.addingTimeInterval(seconds))
    }

    @Test(arguments: [
        ("2027-01-31", 1_801_353_600.0),
        ("2027-01-31T12:00:00Z", 1_801_396_800.0),
        ("2027-01-31T12:00:00+02:00", 1_801_389_600.0),
        ("2027-01-31T12:00:00.500Z", 1_801_396_800.5),
    ])
    func datesAreAbsolute(text: String, epoch: Double) throws {
        #expect(try APIKeyExpiry.parse(text, now: now) == Date(timeIntervalSince1970: epoch))
    }

    @Test(arguments: [
        ("", "expected"),
        ("30", "expected"),
        ("d", "expected"),
        ("30y", "expected"),
        ("-5d", "expected"),
        ("1.5h", "expected"),
        ("2027-02-30", "expected"),
        ("2027-1-31", "expected"),
        ("tomorrow", "expected"),
        ("0d", "more than zero"),
        ("999999d", "at most 100 years"),
        ("2020-01-01", "in the past"),
        ("2027-01-15T08:00:00Z", "in the past"),
    ])
    func badValuesSayWhy(text: String, message: String) {
        #expect(throws: APIKeyExpiry.ParseError.self) { try APIKeyExpiry.parse(text, now: now) }
        do {
            _ = try APIKeyExpiry.parse(text, now: now)
        } catch {
            #expect(error.description.contains(message), "\(text): \(error.description)")
        }
    }
}

import CRMDomain
import CRMTestSupport
import Foundation
import Testing

@Suite("Timestamp: UTC ISO-8601 with one-second resolution")
struct TimestampTests {
    @Test("parse and print round-trip at known instants", arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("2025-01-06T09:00:00Z", 1_736_154_000),
        ("2024-02-29T23:59:59Z", 1_709_251_199),
        ("2000-02-29T12:00:00Z", 951_825_600),
        ("1999-12-31T23:59:59Z", 946_684_799),
        ("2100-03-01T00:00:00Z", 4_107_542_400),
        ("2038-01-19T03:14:08Z", 2_147_483_648),
    ])
    func roundTrip(text: String, seconds: Int64) throws {
        let timestamp = try #require(Timestamp(iso8601: text))
        #expect(timestamp.secondsSince1970 == seconds)
        #expect(timestamp.iso8601 == text)
        #expect(timestamp.description == text)
        #expect(Timestamp(secondsSince1970: seconds).iso8601 == text)
    }

    @Test("the second after a leap day's last second is March 1st")
    func leapDayRollover() throws {
        let leap = try #require(Timestamp(iso8601: "2024-02-29T23:59:59Z"))
        #expect(leap.adding(seconds: 1).iso8601 == "2024-03-01T00:00:00Z")
        #expect(leap.adding(seconds: -86_400).iso8601 == "2024-02-28T23:59:59Z")
    }

    @Test("instants before the epoch print correctly")
    func beforeEpoch() {
        #expect(Timestamp(secondsSince1970: -1).iso8601 == "1969-12-31T23:59:59Z")
        #expect(Timestamp(secondsSince1970: -86_400).iso8601 == "1969-12-31T00:00:00Z")
        #expect(Timestamp(iso8601: "1969-12-31T23:59:59Z")?.secondsSince1970 == -1)
    }

    @Test("ordering follows time")
    func ordering() throws {
        let earlier = try #require(Timestamp(iso8601: "2025-01-06T08:59:59Z"))
        #expect(earlier < t0)
        #expect(t0.adding(seconds: 1) > t0)
        #expect(t0.adding(seconds: 0) == t0)
    }

    @Test("malformed strings are rejected", arguments: [
        "", "2025", "2025-01-06", "2025-01-06T09:00:00", "2025-01-06 09:00:00Z", "2025-01-06t09:00:00z",
        "2025-01-06T09:00:00+00:00", "2025-01-06T09:00:00.000Z", "2025-1-06T09:00:00Z", "2025-01-6T09:00:00Z",
        "abcd-01-06T09:00:00Z", "2025-0a-06T09:00:00Z", "2025/01/06T09:00:00Z", " 2025-01-06T09:00:00Z",
        "2025-01-06T09:00:00Z ", "-025-01-06T09:00:00Z", "+025-01-06T09:00:00Z",
        "2025-00-10T09:00:00Z", "2025-13-01T09:00:00Z", "2025-01-00T09:00:00Z", "2025-01-32T09:00:00Z",
        "2025-01-06T24:00:00Z", "2025-01-06T09:60:00Z", "2025-01-06T09:00:60Z",
        "2025-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2024-02-30T00:00:00Z",
        "2025-04-31T00:00:00Z", "2025-06-31T00:00:00Z", "2025-09-31T00:00:00Z", "2025-11-31T00:00:00Z",
    ])
    func malformed(_ text: String) {
        #expect(Timestamp(iso8601: text) == nil)
    }

    @Test("the last day of every month is accepted", arguments: [
        "2025-01-31", "2025-02-28", "2024-02-29", "2000-02-29", "2025-03-31", "2025-04-30", "2025-05-31", "2025-06-30",
        "2025-07-31", "2025-08-31", "2025-09-30", "2025-10-31", "2025-11-30", "2025-12-31",
    ])
    func lastDays(_ day: String) throws {
        let text = day + "T23:59:59Z"
        #expect(try #require(Timestamp(iso8601: text)).iso8601 == text)
    }

    @Test("JSON encodes as the ISO string and decodes it back; bad strings fail to decode")
    func codable() throws {
        let data = Data(JSONWriter.text(of: [t0]).utf8)
        #expect(String(decoding: data, as: UTF8.self) == #"["2025-01-06T09:00:00Z"]"#)
        #expect(try JSONDecoder().decode([Timestamp].self, from: data) == [t0])
        #expect(throws: DecodingError.self) {
            _ = try JSONDecoder().decode([Timestamp].self, from: Data(#"["2025-02-30T00:00:00Z"]"#.utf8))
        }
    }
}

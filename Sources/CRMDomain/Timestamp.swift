/// A UTC instant with one-second resolution, written as ISO-8601 (`2025-01-06T09:00:00Z`).
public struct Timestamp: Hashable, Comparable, Sendable, Decodable, JSONWritable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let secondsSince1970: Int64

    /// Wraps a count of seconds since the Unix epoch.
    public init(secondsSince1970: Int64) {
        self.secondsSince1970 = secondsSince1970
    }

    /// Parses `YYYY-MM-DDTHH:MM:SSZ`; returns nil for anything else.
    public init?(iso8601 text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            bytes[19] == UInt8(ascii: "Z")
        else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        // Reject days the month does not have (2025-02-29, 2025-04-31), which would otherwise roll over.
        guard Self.civilFromDays(days) == (year, month, day) else { return nil }
        self.secondsSince1970 = days * 86_400 + hour * 3_600 + minute * 60 + second
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Timestamp(iso8601: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO-8601 UTC time: \(text)")
        }
        self = value
    }

    public func write(to json: inout JSONWriter) {
        json.string(self.iso8601)
    }

    /// The ISO-8601 UTC form, e.g. `2025-01-06T09:00:00Z`.
    public var iso8601: String {
        let days = self.secondsSince1970 >= 0
            ? self.secondsSince1970 / 86_400 : (self.secondsSince1970 - 86_399) / 86_400
        let secondsOfDay = self.secondsSince1970 - days * 86_400
        let (year, month, day) = Self.civilFromDays(days)
        guard (0...9999).contains(year) else {
            return "\(year)-\(Self.twoDigits(month))-\(Self.twoDigits(day))T\(Self.twoDigits(secondsOfDay / 3_600)):"
                + "\(Self.twoDigits(secondsOfDay % 3_600 / 60)):\(Self.twoDigits(secondsOfDay % 60))Z"
        }
        return String(unsafeUninitializedCapacity: 20) { buffer in
            func put(_ value: Int64, digits: Int, at start: Int) {
                var rest = value
                for index in stride(from: start + digits - 1, through: start, by: -1) {
                    buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
            }
            put(year, digits: 4, at: 0)
            put(month, digits: 2, at: 5)
            put(day, digits: 2, at: 8)
            put(secondsOfDay / 3_600, digits: 2, at: 11)
            put(secondsOfDay % 3_600 / 60, digits: 2, at: 14)
            put(secondsOfDay % 60, digits: 2, at: 17)
            (buffer[4], buffer[7], buffer[10]) = (UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: "T"))
            (buffer[13], buffer[16], buffer[19]) = (UInt8(ascii: ":"), UInt8(ascii: ":"), UInt8(ascii: "Z"))
            return 20
        }
    }

    private static func twoDigits(_ value: Int64) -> String {
        value < 10 ? "0\(value)" : String(value)
    }

    public var description: String { self.iso8601 }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.secondsSince1970 < rhs.secondsSince1970 }

    /// The same instant moved by a number of seconds.
    public func adding(seconds: Int64) -> Timestamp {
        Timestamp(secondsSince1970: self.secondsSince1970 + seconds)
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

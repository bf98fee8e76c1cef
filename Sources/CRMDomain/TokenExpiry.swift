/// When a new token stops working, as typed: `30d`, `12h`, a date (`2026-01-31`, midnight UTC), a UTC time
/// (`2026-01-31T12:00:00Z`) or `never`.
public enum TokenExpiry {
    /// The lifetime of a token created without `--expires`.
    public static let defaultLifetime = "30d"
    /// The longest lifetime a duration may ask for (ten years).
    public static let maximumDays: Int64 = 3_650

    /// The expiry time `text` asks for, counted from `now`; nil for `never`. Anything else, or a time that is
    /// not in the future, is a validation error of `expires`.
    public static func expiresAt(_ text: String, now: Timestamp) throws(CRMError) -> Timestamp? {
        if text == "never" { return nil }
        let shown = InputRules.shown(text)
        let expiry: Timestamp
        if let last = text.last, last == "d" || last == "h", let count = Self.count(text.dropLast()) {
            let unit: Int64 = last == "d" ? 86_400 : 3_600
            guard count >= 1, count * unit <= Self.maximumDays * 86_400 else {
                throw .validation(field: "expires", reason: "'\(shown)' must be between 1h and \(Self.maximumDays)d")
            }
            expiry = now.adding(seconds: count * unit)
        } else if let time = Timestamp(iso8601: text) ?? Timestamp(iso8601: text + "T00:00:00Z") {
            expiry = time
        } else {
            throw .validation(
                field: "expires",
                reason: "'\(shown)' is not one of 30d, 12h, a date like 2026-01-31, a UTC time like 2026-01-31T12:00:00Z, or never")
        }
        guard expiry > now else {
            throw .validation(field: "expires", reason: "'\(shown)' is not in the future (now is \(now.iso8601))")
        }
        return expiry
    }

    /// 1–6 ASCII digits as a number.
    private static func count(_ digits: Substring) -> Int64? {
        guard (1...6).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(digits)
    }
}

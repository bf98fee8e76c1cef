/// Field rules shared by every use case; each failure names its field.
public enum Validation {
    public static let maximumSubjectLength = 200
    public static let maximumNameLength = 200
    public static let maximumTextLength = 10_000
    public static let maximumTagLength = 32

    public static let maximumEmailLength = 254
    public static let maximumUserNameLength = 32
    public static let maximumSearchLength = 200
    public static let maximumTokenLabelLength = 100

    /// A one-line field that must hold something visible (subject, name), trimmed; see `InputRules.oneLine`.
    public static func requiredText(_ text: String, field: String, maximum: Int) throws(CRMError) -> String {
        try InputRules.oneLine(text, field: field, maximum: maximum)
    }

    /// An optional one-line field (company): nil when empty or only spaces, else as `requiredText`.
    public static func optionalLine(_ text: String, field: String, maximum: Int) throws(CRMError) -> String? {
        if text.trimmingWhitespace.isEmpty, text.unicodeScalars.allSatisfy({ InputRules.oneLineProblem($0) == nil }) {
            return nil
        }
        return try InputRules.oneLine(text, field: field, maximum: maximum)
    }

    /// A multi-line text that may be empty (description), kept as typed; see `InputRules.multiLine`.
    public static func optionalText(_ text: String, field: String, maximum: Int) throws(CRMError) -> String {
        try InputRules.multiLine(text, field: field, maximum: maximum, required: false)
    }

    /// A multi-line text that must hold something visible (note text), trimmed.
    public static func requiredMultiLineText(_ text: String, field: String, maximum: Int) throws(CRMError) -> String {
        try InputRules.multiLine(text, field: field, maximum: maximum, required: true)
    }

    /// An email address of the form `local@domain.tld`, trimmed.
    public static func email(_ text: String) throws(CRMError) -> String {
        let email = try InputRules.oneLine(text, field: "email", maximum: Self.maximumEmailLength)
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        let valid = parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".") && !email.contains(where: \.isWhitespace)
        guard valid else { throw .validation(field: "email", reason: "'\(email)' is not a valid email address") }
        return email
    }

    /// A tag: lowercased, 1–32 of `a-z 0-9 - _`.
    public static func tag(_ text: String, field: String = "tags") throws(CRMError) -> String {
        let tag = try InputRules.oneLine(text, field: field, maximum: Self.maximumTagLength).lowercased()
        let allowed = tag.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
        guard !tag.isEmpty, tag.count <= maximumTagLength, allowed else {
            throw .validation(
                field: field, reason: "'\(InputRules.shown(text))' is not a tag (1-\(maximumTagLength) of a-z, 0-9, - and _)")
        }
        return tag
    }

    /// A user name as typed for an assignee or an audit actor: one line, at most 32 characters.
    public static func userName(_ text: String, field: String) throws(CRMError) -> String {
        try InputRules.oneLine(text, field: field, maximum: Self.maximumUserNameLength)
    }

    /// Names no user may take: the audit's actor for a caller without login, and the words that mean the caller
    /// and nobody wherever a user is named (`--assignee me|none`).
    public static let reservedUserNames: [String] = [Principal.anonymous.name, "me", "none"]

    /// The name of a new user: a login name that is not reserved.
    public static func newUserName(_ text: String) throws(CRMError) -> String {
        let name = try Self.loginName(text)
        guard !Self.reservedUserNames.contains(name) else {
            throw .validation(
                field: "name",
                reason: "'\(name)' is reserved (\(Self.reservedUserNames.joined(separator: ", ")) name no user)")
        }
        return name
    }

    /// An assignee's user name; empty is refused rather than read as nobody, which is spelled `none`.
    public static func assignee(_ text: String) throws(CRMError) -> String {
        guard !text.trimmingWhitespace.isEmpty else {
            throw .validation(field: "assignee", reason: "must not be empty; 'none' means nobody")
        }
        return try Self.userName(text, field: "assignee")
    }

    /// A login name: `[a-z][a-z0-9._-]{0,31}`.
    public static func loginName(_ text: String, field: String = "name") throws(CRMError) -> String {
        let bytes = Array(text.utf8)
        let valid = (1...Self.maximumUserNameLength).contains(bytes.count)
            && (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[0])
            && bytes.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
        guard valid else {
            throw .validation(
                field: field,
                reason: "'\(InputRules.shown(text))' is not a user name (a lowercase letter, then up to 31 of a-z, 0-9, '.', '_' and '-')")
        }
        return text
    }

    /// A user's display name: a one-line field of at most 200 characters.
    public static func displayName(_ text: String) throws(CRMError) -> String {
        try InputRules.oneLine(text, field: "display_name", maximum: Self.maximumNameLength)
    }

    /// A token's label: a one-line field of at most 100 characters, not empty (leave the label out for none).
    public static func tokenLabel(_ text: String) throws(CRMError) -> String {
        try InputRules.oneLine(text, field: "label", maximum: Self.maximumTokenLabelLength)
    }

    /// Search text: nil when empty; else a multi-line text of at most 200 characters, lowercased.
    public static func search(_ text: String) throws(CRMError) -> String? {
        let search = try InputRules.multiLine(text, field: "search", maximum: Self.maximumSearchLength, required: false)
        return search.isEmpty ? nil : search.lowercased()
    }

    /// Paging with a limit of 1...1000 (`defaultLimit` when not given) and a non-negative offset (0 when not
    /// given).
    public static func page(
        _ request: PageRequest, defaultLimit: Int = PageRequest.defaultLimit
    ) throws(CRMError) -> (limit: Int, offset: Int) {
        let limit = request.limit ?? defaultLimit
        let offset = request.offset ?? 0
        guard limit >= 1 else { throw .validation(field: "limit", reason: "must be at least 1") }
        guard limit <= PageRequest.maximumLimit else {
            throw .validation(field: "limit", reason: "must be at most \(PageRequest.maximumLimit)")
        }
        guard offset >= 0 else { throw .validation(field: "offset", reason: "must not be negative") }
        return (limit, offset)
    }
}

extension TicketStatus {
    /// Reads a status by its wire name, or fails with a validation error naming `field` and the valid values.
    public init(validating text: String, field: String = "status") throws(CRMError) {
        self = try .named(text, field: field, noun: "status")
    }
}

extension Priority {
    /// Reads a priority by name, or fails with a validation error naming `field` and the valid values.
    public init(validating text: String, field: String = "priority") throws(CRMError) {
        self = try .named(text, field: field, noun: "priority")
    }
}

extension CaseIterable where Self: RawRepresentable, Self.RawValue == String {
    /// The case whose raw value is `text`, or a validation error naming `field` and listing every case.
    static func named(_ text: String, field: String, noun: String) throws(CRMError) -> Self {
        guard let value = Self(rawValue: text) else {
            throw .validation(
                field: field,
                reason: "unknown \(noun) '\(InputRules.shown(text))' (one of \(Self.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return value
    }
}

extension String {
    var trimmingWhitespace: String {
        if let first = self.utf8.first, let last = self.utf8.last, Self.isVisibleASCII(first), Self.isVisibleASCII(last) {
            return self
        }
        guard let first = self.firstIndex(where: { !$0.isWhitespace }),
            let last = self.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }

    /// A printable ASCII byte other than space: no whitespace can start or end there.
    private static func isVisibleASCII(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F
    }
}

/// Field rules shared by every use case; each failure names its field.
public enum Validation {
    public static let maximumSubjectLength = 200
    public static let maximumNameLength = 200
    public static let maximumTextLength = 10_000
    public static let maximumTagLength = 32

    /// A trimmed, non-empty text of at most `maximum` characters.
    public static func requiredText(_ text: String, field: String, maximum: Int) throws(CRMError) -> String {
        let trimmed = text.trimmingWhitespace
        guard !trimmed.isEmpty else { throw .validation(field: field, reason: "must not be empty") }
        guard trimmed.utf8.count <= maximum || trimmed.count <= maximum else {
            throw .validation(field: field, reason: "must be at most \(maximum) characters (got \(trimmed.count))")
        }
        return trimmed
    }

    /// A text of at most `maximum` characters, possibly empty.
    public static func optionalText(_ text: String, field: String, maximum: Int) throws(CRMError) -> String {
        guard text.utf8.count <= maximum || text.count <= maximum else {
            throw .validation(field: field, reason: "must be at most \(maximum) characters (got \(text.count))")
        }
        return text
    }

    /// An email address of the form `local@domain.tld`, trimmed.
    public static func email(_ text: String) throws(CRMError) -> String {
        let email = try requiredText(text, field: "email", maximum: 254)
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        let valid = parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".") && !email.contains(where: \.isWhitespace)
        guard valid else { throw .validation(field: "email", reason: "'\(email)' is not a valid email address") }
        return email
    }

    /// A tag: lowercased, 1–32 of `a-z 0-9 - _`.
    public static func tag(_ text: String, field: String = "tags") throws(CRMError) -> String {
        let tag = text.trimmingWhitespace.lowercased()
        let allowed = tag.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
        guard !tag.isEmpty, tag.count <= maximumTagLength, allowed else {
            throw .validation(
                field: field, reason: "'\(text)' is not a tag (1-\(maximumTagLength) of a-z, 0-9, - and _)")
        }
        return tag
    }

    /// Paging with a limit of 1...1000 and a non-negative offset.
    public static func page(_ request: PageRequest) throws(CRMError) -> PageRequest {
        guard request.limit >= 1 else { throw .validation(field: "limit", reason: "must be at least 1") }
        guard request.limit <= PageRequest.maximumLimit else {
            throw .validation(field: "limit", reason: "must be at most \(PageRequest.maximumLimit)")
        }
        guard request.offset >= 0 else { throw .validation(field: "offset", reason: "must not be negative") }
        return request
    }
}

extension TicketStatus {
    /// Reads a status by its wire name, or fails with a validation error naming `field` and the valid values.
    public init(validating text: String, field: String = "status") throws(CRMError) {
        guard let status = TicketStatus(rawValue: text) else {
            throw .validation(
                field: field,
                reason: "unknown status '\(text)' (one of \(TicketStatus.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self = status
    }
}

extension Priority {
    /// Reads a priority by name, or fails with a validation error naming `field` and the valid values.
    public init(validating text: String, field: String = "priority") throws(CRMError) {
        guard let priority = Priority(rawValue: text) else {
            throw .validation(
                field: field,
                reason: "unknown priority '\(text)' (one of \(Priority.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self = priority
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

/// How urgent a ticket is.
public enum Priority: String, CaseIterable, Hashable, Sendable, Codable {
    case low
    case normal
    case high
    case urgent
}

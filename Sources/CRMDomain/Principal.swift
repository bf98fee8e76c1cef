/// Who is acting: nobody yet, or a logged-in user.
public enum Principal: Hashable, Sendable {
    case anonymous
    case user(User)

    /// The name recorded in audit events (`anonymous` before login).
    public var name: String {
        switch self {
        case .anonymous: "anonymous"
        case .user(let user): user.name
        }
    }

    /// The logged-in user, if any.
    public var user: User? {
        if case .user(let user) = self { return user }
        return nil
    }
}

/// The adapter a request came through, recorded in the audit trail.
public enum Channel: String, Hashable, Sendable, Codable {
    case shell
    case http
}

/// The acting principal and the channel it acts through; every `CRMService` call takes one.
public struct Caller: Hashable, Sendable {
    public var principal: Principal
    public var channel: Channel
    /// The token the caller logged in with, if any (`whoami` shows its label and expiry).
    public var tokenID: TokenID?

    public init(_ principal: Principal, via channel: Channel, token tokenID: TokenID? = nil) {
        self.principal = principal
        self.channel = channel
        self.tokenID = tokenID
    }

    /// An anonymous caller on a channel.
    public static func anonymous(via channel: Channel) -> Caller {
        Caller(.anonymous, via: channel)
    }
}

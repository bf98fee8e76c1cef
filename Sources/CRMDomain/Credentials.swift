import Crypto

/// The SHA-256 digest of an API token; the only form in which tokens are kept.
public struct TokenHash: Hashable, Sendable {
    public let bytes: [UInt8]

    /// Hashes a clear-text token.
    public init(token: String) {
        self.bytes = Array(SHA256.hash(data: Array(token.utf8)))
    }

    /// Wraps stored digest bytes.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Compares two digests in time independent of where they differ.
    public func constantTimeEquals(_ other: TokenHash) -> Bool {
        guard self.bytes.count == other.bytes.count else { return false }
        var difference: UInt8 = 0
        for index in self.bytes.indices {
            difference |= self.bytes[index] ^ other.bytes[index]
        }
        return difference == 0
    }
}

/// A user together with the hashes of the tokens that log them in.
public struct UserAccount: Hashable, Sendable {
    public var user: User
    public var tokenHashes: [TokenHash]

    public init(user: User, tokenHashes: [TokenHash]) {
        self.user = user
        self.tokenHashes = tokenHashes
    }
}

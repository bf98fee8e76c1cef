import Foundation

/// A fresh directory under the system's temporary folder, removed when the value is deinitialized; use it through
/// `withTemporaryDirectory`, which keeps it alive for exactly the scope that uses its paths.
public final class TemporaryDirectory: Sendable {
    public let url: URL

    public init() throws {
        self.url = FileManager.default.temporaryDirectory
            .appendingPathComponent("crm-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: self.url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: self.url)
    }

    public var path: String { self.url.path }

    /// Writes `text` to `name` inside the directory and returns its absolute path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let file = self.url.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file.path
    }
}

/// Runs `body` with a fresh temporary directory that is removed when `body` returns or throws.
public func withTemporaryDirectory<Result>(_ body: (TemporaryDirectory) throws -> Result) throws -> Result {
    let directory = try TemporaryDirectory()
    return try withExtendedLifetime(directory) { try body(directory) }
}

/// Runs `body` with a fresh temporary directory that is removed when `body` returns or throws.
public func withTemporaryDirectory<Result>(
    _ body: (TemporaryDirectory) async throws -> Result
) async throws -> Result {
    let directory = try TemporaryDirectory()
    defer { withExtendedLifetime(directory) {} }
    return try await body(directory)
}

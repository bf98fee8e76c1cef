import Foundation
import Logging
import Synchronization

/// A log handler that appends lines to a file (so a server inside the REPL never writes over the prompt) or to
/// standard error (`crm serve`). Unlike swift-log's stream handler it does no work when metadata is set, which
/// Hummingbird does on every request.
public struct FileLogHandler: LogHandler {
    private final class Sink: Sendable {
        let handle: Mutex<FileHandle?>

        init(handle: FileHandle) {
            self.handle = Mutex(handle)
        }

        init(path: String) {
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            if !FileManager.default.fileExists(atPath: path) {
                _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            }
            let handle = FileHandle(forWritingAtPath: path)
            _ = try? handle?.seekToEnd()
            self.handle = Mutex(handle)
        }

        func write(_ line: String) {
            self.handle.withLock { try? $0?.write(contentsOf: Data(line.utf8)) }
        }
    }

    private let sink: Sink
    private let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    /// A handler writing to `path`, creating it (mode 0600) when missing.
    public init(label: String, path: String) {
        self.label = label
        self.sink = Sink(path: path)
    }

    /// A handler writing to standard error.
    public static func standardError(label: String) -> FileLogHandler {
        FileLogHandler(label: label, sink: Sink(handle: .standardError))
    }

    private init(label: String, sink: Sink) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = self.metadata.merging(event.metadata ?? [:]) { $1 }
        let details = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        self.sink.write("\(Date()) \(event.level) \(self.label): \(event.message)\(details)\n")
    }
}

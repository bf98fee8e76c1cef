import Foundation

/// A script to read, opened: a regular file, a pipe, a FIFO, a `/dev/fd/N` from `<(…)`, `/dev/stdin`, or stdin itself
/// for `-` (DESIGN §5.1). Opening fails with the system's reason.
final class ScriptInput {
    let lines: InputLines
    /// Whether the input is a regular file (output need not be flushed after each command).
    let isRegularFile: Bool

    init(path: String) throws(ShellError) {
        let descriptor = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.cannotRead(path, errno) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let error = errno
            if descriptor != 0 { close(descriptor) }
            throw Self.cannotRead(path, error)
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            if descriptor != 0 { close(descriptor) }
            throw Self.cannotRead(path, EISDIR)
        }
        self.isRegularFile = (status.st_mode & S_IFMT) == S_IFREG
        self.lines = InputLines(fileDescriptor: descriptor, closeWhenDone: path != "-")
    }

    private static func cannotRead(_ path: String, _ error: Int32) -> ShellError {
        .failed("cannot read '\(path)': \(String(cString: strerror(error)))")
    }
}

import Foundation

/// `--token-file FILE` (DESIGN §5.6): the token on the first line of a file, so it never shows in `ps`. Errors
/// never quote the file's content.
enum TokenFile {
    /// The first line of `path`, its line ending stripped. Refuses a regular file that group or others may read.
    static func read(_ path: String) throws(ShellError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.cannotRead(path, errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Self.cannotRead(path, errno) }
        if (status.st_mode & S_IFMT) == S_IFDIR { throw Self.cannotRead(path, EISDIR) }
        if (status.st_mode & S_IFMT) == S_IFREG && (status.st_mode & 0o077) != 0 {
            throw ShellError.usage(
                "token file '\(path)' may be read by group or others; make it private (chmod 600 '\(path)')")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !bytes.contains(UInt8(ascii: "\n")) {
            let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw Self.cannotRead(path, errno) }
            guard count > 0 else { break }
            bytes += buffer[..<count]
        }
        var line = bytes.prefix { $0 != UInt8(ascii: "\n") }
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        guard let token = String(validating: line, as: UTF8.self), !token.isEmpty else {
            throw ShellError.usage("token file '\(path)' has no token on its first line")
        }
        return token
    }

    private static func cannotRead(_ path: String, _ error: Int32) -> ShellError {
        .failed("cannot read token file '\(path)': \(String(cString: strerror(error)))")
    }
}

import Foundation

/// `--step`: waits for Enter on the controlling terminal (not stdin, which carries the script).
enum StepPause {
    static func wait() {
        guard let tty = FileHandle(forReadingAtPath: "/dev/tty") else { return }
        defer { try? tty.close() }
        while let byte = try? tty.read(upToCount: 1), let first = byte.first, first != UInt8(ascii: "\n") {}
    }
}

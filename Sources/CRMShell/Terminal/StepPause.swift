import Foundation

/// `--step`: waits for Enter on the controlling terminal (not stdin, which carries the script), or for Ctrl-C.
enum StepPause {
    static func wait() {
        let tty = open("/dev/tty", O_RDONLY | O_CLOEXEC)
        guard tty >= 0 else { return }
        defer { close(tty) }
        var poller = pollfd(fd: tty, events: Int16(POLLIN), revents: 0)
        var byte: UInt8 = 0
        while !Interruption.isRequested {
            // SIGINT restarts a blocking read, so wait in short polls that look at the flag in between.
            guard poll(&poller, 1, 100) > 0 else { continue }
            let count = read(tty, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 || byte == UInt8(ascii: "\n") { return }
        }
    }
}

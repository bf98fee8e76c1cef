import Foundation

/// `--step`: before each command of a walkthrough, one key from the person at the terminal, read without echo.
enum StepPause {
    /// What the key asked for.
    enum Choice: Equatable {
        /// Enter: run the command.
        case run
        /// `s`: skip it.
        case skip
        /// `q` (or Ctrl-D): stop the walkthrough.
        case quit
    }

    /// Waits for Enter, `s` or `q` (other keys are ignored) on the terminal: stdin when it is one and does not
    /// carry the script, else `/dev/tty`. With no terminal at all the command just runs. Ctrl-C still interrupts.
    static func wait(scriptOnStdin: Bool) -> Choice {
        let owned = scriptOnStdin || isatty(0) != 1
        let descriptor = owned ? open("/dev/tty", O_RDONLY | O_CLOEXEC) : 0
        guard descriptor >= 0 else { return .run }
        defer { if owned { close(descriptor) } }
        var original = termios()
        let isTerminal = tcgetattr(descriptor, &original) == 0
        if isTerminal {
            var keys = original
            keys.c_lflag &= ~tcflag_t(ICANON | ECHO)
            withUnsafeMutableBytes(of: &keys.c_cc) { characters in
                characters[Int(VMIN)] = 1
                characters[Int(VTIME)] = 0
            }
            tcsetattr(descriptor, TCSADRAIN, &keys)
        }
        defer { if isTerminal { tcsetattr(descriptor, TCSADRAIN, &original) } }
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        var byte: UInt8 = 0
        while !Interruption.isRequested {
            // SIGINT restarts a blocking read, so wait in short polls that look at the flag in between.
            guard poll(&poller, 1, 100) > 0 else { continue }
            let count = read(descriptor, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return .quit }
            switch byte {
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"): return .run
            case UInt8(ascii: "s"), UInt8(ascii: "S"): return .skip
            case UInt8(ascii: "q"), UInt8(ascii: "Q"), 0x04: return .quit
            default: continue
            }
        }
        return .run
    }
}

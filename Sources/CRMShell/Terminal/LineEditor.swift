import CLibEdit
import Foundation

/// What one read from the terminal gave.
enum LineRead: Sendable {
    case line(String)
    /// Ctrl-C: the line was abandoned.
    case interrupted
    /// Ctrl-D on an empty line, or the terminal went away.
    case endOfInput
}

/// libedit on the terminal: line editing, history, Tab completion and a Ctrl-C that abandons the line, through
/// libedit's wide-character interface so any script's text arrives intact. Every prompt of the shell reads here
/// (commands, confirmations, the token), one byte at a time from stdin, so nothing typed or pasted ahead is lost.
/// Not thread-safe: confine it to one thread (see `EditorThread`).
final class LineEditor {
    private let editLine: OpaquePointer
    private let history: OpaquePointer
    /// Where the editor draws: the terminal, even when stdout is piped (`crm | tee log`).
    let terminal: UnsafeMutablePointer<FILE>
    private let ownsTerminal: Bool
    private var event = HistEvent()
    private var promptBuffer: UnsafeMutablePointer<wchar_t>?
    private var interrupted = false
    private let historyPath: String?
    private let complete: @Sendable (String) -> Completion

    /// Sets up libedit; the caller has made `LC_CTYPE` UTF-8 (`TerminalLocale.useUTF8()`) first.
    init(historyPath: String?, complete: @escaping @Sendable (String) -> Completion) throws(HistoryFile.Refusal) {
        self.historyPath = historyPath
        self.complete = complete
        (self.terminal, self.ownsTerminal) = Self.terminalOutput()
        self.editLine = el_init("crm", crm_stdin(), self.terminal, crm_stderr())
        self.history = history_init()
        crm_history_setsize(self.history, &self.event, HistoryFile.capacity)
        crm_history_setunique(self.history, &self.event, 1)
        crm_el_set_editor(self.editLine, "emacs")
        crm_el_set_history(self.editLine, self.history)
        crm_el_set_clientdata(self.editLine, Unmanaged.passUnretained(self).toOpaque())
        crm_el_wset_prompt(self.editLine) { editLine in
            guard let editLine, let data = crm_el_get_clientdata(editLine) else { return nil }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().promptBuffer
        }
        crm_el_setty(self.editLine, "-d", "-isig")
        // While a command runs, Ctrl-C must not discard what was typed or pasted ahead (DESIGN §3.6): libedit clears
        // NOFLSH in the mode it restores between lines, so the terminal would flush its input with the SIGINT.
        crm_el_setty(self.editLine, "-x", "+noflsh")
        crm_el_addfn(self.editLine, "crm-interrupt", "abandon the line") { editLine, _ in
            guard let editLine, let data = crm_el_get_clientdata(editLine) else { return UInt8(CC_EOF) }
            Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().interrupted = true
            return UInt8(CC_NEWLINE)
        }
        crm_el_bind(self.editLine, "^C", "crm-interrupt")
        crm_el_addfn(self.editLine, "crm-complete", "complete the word") { editLine, _ in
            guard let editLine, let data = crm_el_get_clientdata(editLine) else { return UInt8(CC_ERROR) }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().completeWord()
        }
        crm_el_bind(self.editLine, "^I", "crm-complete")
        if let historyPath {
            try HistoryFile.load(historyPath, into: self.history)
        }
    }

    deinit {
        el_end(self.editLine)
        history_end(self.history)
        self.promptBuffer?.deallocate()
        if self.ownsTerminal { fclose(self.terminal) }
    }

    /// The terminal to draw on: stdout when it is one, else stderr, else `/dev/tty`. libedit turns editing off
    /// when its output is not a terminal, while results still go to stdout.
    private static func terminalOutput() -> (UnsafeMutablePointer<FILE>, owned: Bool) {
        if isatty(1) == 1 { return (crm_stdout(), false) }
        if isatty(2) == 1 { return (crm_stderr(), false) }
        if let tty = fopen("/dev/tty", "w") { return (tty, true) }
        return (crm_stdout(), false)
    }

    /// Reads one line with `prompt`; blocks until Enter, Ctrl-C or Ctrl-D.
    func read(prompt: String) -> LineRead {
        self.promptBuffer?.deallocate()
        self.promptBuffer = WideText.duplicate(prompt)
        self.interrupted = false
        fflush(crm_stdout())
        var count: Int32 = 0
        let raw = el_wgets(self.editLine, &count)
        if self.interrupted {
            self.show("^C\n")
            return .interrupted
        }
        guard let raw, count > 0 else { return .endOfInput }
        var line = WideText.string(raw, count: Int(count))
        while line.hasSuffix("\n") || line.hasSuffix("\r") { line.removeLast() }
        return .line(line)
    }

    /// Reads one line with `prompt` and echo off (the token): Enter ends it, Backspace and Ctrl-U edit it,
    /// Ctrl-C or Ctrl-D cancel it. Reads byte by byte, like libedit, so lines pasted after it stay for the editor.
    func readSecret(prompt: String) -> LineRead {
        var original = termios()
        let isTerminal = tcgetattr(0, &original) == 0
        if isTerminal {
            var silent = original
            silent.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
            withUnsafeMutableBytes(of: &silent.c_cc) { characters in
                characters[Int(VMIN)] = 1
                characters[Int(VTIME)] = 0
            }
            tcsetattr(0, TCSADRAIN, &silent)
        }
        defer {
            if isTerminal { tcsetattr(0, TCSADRAIN, &original) }
        }
        // Only now that echo is off: keys typed as soon as the prompt shows are not echoed by the terminal.
        self.show(prompt)
        var bytes: [UInt8] = []
        while true {
            var byte: UInt8 = 0
            let count = Foundation.read(0, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1 else {
                self.show("\n")
                return .endOfInput
            }
            switch byte {
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                self.show("\n")
                return .line(String(decoding: bytes, as: UTF8.self))
            case 0x03:
                self.show("^C\n")
                return .interrupted
            case 0x04:
                self.show("\n")
                return .endOfInput
            case 0x7F, 0x08:
                // Drop the last character: its continuation bytes, then its first byte.
                while let last = bytes.popLast(), last & 0xC0 == 0x80 {}
            case 0x15:
                bytes.removeAll()
            default:
                if byte >= 0x20 { bytes.append(byte) }
            }
        }
    }

    /// Adds a line to the history and to the history file, unless the line must not be recorded; why the file
    /// could not be written, if it could not.
    func record(_ line: String) -> HistoryFile.Refusal? {
        guard HistoryFile.shouldRecord(line) else { return nil }
        crm_history_enter(self.history, &self.event, line)
        guard let historyPath else { return nil }
        do {
            try HistoryFile.append(line, to: historyPath)
            return nil
        } catch {
            return error
        }
    }

    /// Writes `text` on the terminal the editor draws on (stdout's buffered results first).
    func show(_ text: String) {
        fflush(crm_stdout())
        fputs(text, self.terminal)
        fflush(self.terminal)
    }

    private func completeWord() -> UInt8 {
        guard let info = el_wline(self.editLine)?.pointee, let buffer = info.buffer, let cursor = info.cursor else {
            return UInt8(CC_ERROR)
        }
        let beforeCursor = WideText.string(buffer, count: cursor - buffer)
        let completion = self.complete(beforeCursor)
        if !completion.insertion.isEmpty {
            let insertion = WideText.duplicate(completion.insertion)
            defer { insertion.deallocate() }
            el_winsertstr(self.editLine, insertion)
        }
        if completion.candidates.count > 1 {
            // Candidates show stored names and subjects: escaped, like every table.
            self.show("\n" + completion.candidates.map(VisibleText.escaped).joined(separator: "\n") + "\n")
            return UInt8(CC_REDISPLAY)
        }
        return completion.insertion.isEmpty ? UInt8(CC_REFRESH_BEEP) : UInt8(CC_REFRESH)
    }
}

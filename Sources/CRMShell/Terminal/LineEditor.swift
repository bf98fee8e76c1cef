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

/// libedit on the terminal: line editing, history, Tab completion and a Ctrl-C that abandons the line.
/// Not thread-safe: confine it to one thread (see `EditorThread`).
final class LineEditor {
    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private var event = HistEvent()
    private var promptBuffer: UnsafeMutablePointer<CChar>?
    private var interrupted = false
    private let historyPath: String?
    private let complete: @Sendable (String) -> Completion

    init(historyPath: String?, complete: @escaping @Sendable (String) -> Completion) {
        self.historyPath = historyPath
        self.complete = complete
        self.editLine = el_init("crm", crm_stdin(), crm_stdout(), crm_stderr())
        self.history = history_init()
        crm_history_setsize(self.history, &self.event, HistoryFile.capacity)
        crm_history_setunique(self.history, &self.event, 1)
        if let historyPath {
            HistoryFile.prepare(historyPath)
            crm_history_load(self.history, &self.event, historyPath)
        }
        crm_el_set_editor(self.editLine, "emacs")
        crm_el_set_history(self.editLine, self.history)
        crm_el_set_clientdata(self.editLine, Unmanaged.passUnretained(self).toOpaque())
        crm_el_set_prompt(self.editLine) { editLine in
            guard let editLine, let data = crm_el_get_clientdata(editLine) else { return nil }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().promptBuffer
        }
        crm_el_setty(self.editLine, "-d", "-isig")
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
    }

    deinit {
        el_end(self.editLine)
        history_end(self.history)
        free(self.promptBuffer)
    }

    /// Reads one line with `prompt`; blocks until Enter, Ctrl-C or Ctrl-D.
    func read(prompt: String) -> LineRead {
        free(self.promptBuffer)
        self.promptBuffer = strdup(prompt)
        self.interrupted = false
        var count: Int32 = 0
        let raw = el_gets(self.editLine, &count)
        if self.interrupted {
            fputs("^C\n", crm_stdout())
            return .interrupted
        }
        guard let raw, count > 0 else { return .endOfInput }
        var line = String(cString: raw)
        while line.hasSuffix("\n") || line.hasSuffix("\r") { line.removeLast() }
        return .line(line)
    }

    /// Adds a line to the history and saves the file (mode 0600), unless the line must not be recorded.
    func record(_ line: String) {
        guard HistoryFile.shouldRecord(line) else { return }
        crm_history_enter(self.history, &self.event, line)
        guard let historyPath else { return }
        HistoryFile.prepare(historyPath)
        crm_history_save(self.history, &self.event, historyPath)
    }

    private func completeWord() -> UInt8 {
        guard let info = el_line(self.editLine)?.pointee else { return UInt8(CC_ERROR) }
        let length = info.cursor - info.buffer
        let beforeCursor = String(
            decoding: UnsafeRawBufferPointer(start: info.buffer, count: length).bindMemory(to: UInt8.self),
            as: UTF8.self)
        let completion = self.complete(beforeCursor)
        if !completion.insertion.isEmpty {
            el_insertstr(self.editLine, completion.insertion)
        }
        if completion.candidates.count > 1 {
            fputs("\n" + completion.candidates.joined(separator: "\n") + "\n", crm_stdout())
            return UInt8(CC_REDISPLAY)
        }
        return completion.insertion.isEmpty ? UInt8(CC_REFRESH_BEEP) : UInt8(CC_REFRESH)
    }
}

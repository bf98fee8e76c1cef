import CRMTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A `crm` process on a real pseudo-terminal: keys go in through the master side, the screen comes back out.
final class PseudoTerminal {
    let process = Process()
    private let master: Int32
    /// Every byte the terminal has shown so far.
    private(set) var screen: [UInt8] = []
    /// Where the next `waitFor` starts looking.
    private var mark = 0
    private var reachedEnd = false

    struct Timeout: Error, CustomStringConvertible {
        let waitingFor: String
        let seen: String
        var description: String { "timed out waiting for \(String(reflecting: self.waitingFor)); saw \(String(reflecting: self.seen))" }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `crm` with the terminal as stdin, stdout and stderr, or with stdout going to `output` instead (as in
    /// `crm | tee log`).
    init(arguments: [String], environment: [String: String], directory: URL, output: FileHandle? = nil) throws {
        var master: Int32 = -1
        var slave: Int32 = -1
        var size = winsize(ws_row: 40, ws_col: 200, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else {
            throw Failure(description: "openpty failed: errno \(errno)")
        }
        // Neither end may leak into other processes spawned concurrently; the child gets the slave via dup2.
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
        self.master = master
        let terminal = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        self.process.executableURL = try crmExecutable()
        self.process.arguments = arguments
        self.process.environment = environment
        self.process.currentDirectoryURL = directory
        self.process.standardInput = terminal
        self.process.standardOutput = output ?? terminal
        self.process.standardError = terminal
        do {
            try self.process.run()
        } catch {
            close(slave)
            close(master)
            throw error
        }
        // Only the child holds the slave now, so its exit shows up as end of input on the master.
        close(slave)
    }

    deinit {
        if self.process.isRunning {
            self.process.terminate()
            self.process.waitUntilExit()
        }
        close(self.master)
    }

    /// Types `keys` (bytes as given: `\r` is Enter, `\t` Tab, `\u{03}` Ctrl-C, `\u{04}` Ctrl-D, `\u{1B}[A` Up).
    func send(_ keys: String) throws {
        var bytes = Array(keys.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(self.master, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw Failure(description: "write to the terminal failed: errno \(errno)")
            }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Whether the terminal is in the line editor's raw mode: canonical input and echo off.
    var isRaw: Bool {
        var settings = termios()
        guard tcgetattr(self.master, &settings) == 0 else { return false }
        return settings.c_lflag & tcflag_t(ICANON) == 0 && settings.c_lflag & tcflag_t(ECHO) == 0
    }

    /// Waits until libedit is reading keys. It prints its prompt first and only then switches the terminal to raw
    /// mode, so keys typed into that gap would be echoed twice (once by the terminal driver, once by libedit), as
    /// they are for a person typing ahead. Tests type only once the editor is listening.
    func waitUntilEditing(timeout: Double = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !self.isRaw {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0, !self.reachedEnd else { throw Timeout(waitingFor: "the line editor", seen: self.unread) }
            _ = self.pump(milliseconds: 5)
        }
    }

    /// Types `keys` into the line editor once it is listening.
    func type(_ keys: String) throws {
        try self.waitUntilEditing()
        try self.send(keys)
    }

    /// Types `keys`, then waits until the terminal shows each of `expected` in turn.
    func type(_ keys: String, until expected: String...) throws {
        try self.type(keys)
        for text in expected {
            try self.waitFor(text)
        }
    }

    /// Types `keys`, then waits until the line the cursor is on reads exactly `line`.
    func type(_ keys: String, untilLine line: String) throws {
        try self.type(keys)
        try self.waitForCurrentLine(line)
    }

    /// Types `text` one character at a time, each once the terminal has shown something for the one before, as a
    /// person types (`type` sends everything in one write, as a paste does).
    func typeSlowly(_ text: String) throws {
        try self.waitUntilEditing()
        for character in text {
            let shown = self.screen.count
            try self.send(String(character))
            let deadline = Date().addingTimeInterval(10)
            while self.screen.count == shown {
                guard deadline.timeIntervalSinceNow > 0, !self.reachedEnd else {
                    throw Timeout(waitingFor: "the echo of \(String(reflecting: character))", seen: self.unread)
                }
                _ = self.pump(milliseconds: 50)
            }
        }
    }

    /// Reads whatever the terminal shows within `milliseconds`; false at end of input.
    private func pump(milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: self.master, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, milliseconds)
        guard ready > 0 else { return true }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(self.master, &buffer, buffer.count)
        if count > 0 {
            self.screen += buffer[..<count]
            return true
        }
        if count < 0 && (errno == EINTR || errno == EAGAIN) { return true }
        // EIO (Linux) or 0: the child closed its side of the terminal.
        self.reachedEnd = true
        return false
    }

    /// The screen from the mark on, as text.
    var unread: String { String(decoding: self.screen[self.mark...], as: UTF8.self) }

    /// Waits (at most `timeout` seconds) until `text` shows after the mark; returns what showed up to and including
    /// it and moves the mark past it.
    @discardableResult
    func waitFor(_ text: String, timeout: Double = 10) throws -> String {
        let needle = Array(text.utf8)
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let range = self.screen[self.mark...].firstRange(of: needle) {
                let shown = String(decoding: self.screen[self.mark..<range.upperBound], as: UTF8.self)
                self.mark = range.upperBound
                return shown
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0, !self.reachedEnd else { throw Timeout(waitingFor: text, seen: self.unread) }
            _ = self.pump(milliseconds: Int32(min(remaining, 0.5) * 1000) + 1)
        }
    }

    /// The lines the terminal displays, from a small model of the screen: printable text overwrites at the cursor;
    /// `\r`, `\n`, backspace and the CSI sequences libedit uses (cursor moves, erase, insert, delete) move or edit.
    var displayedLines: (lines: [String], cursorRow: Int) {
        var lines: [[Character]] = [[]]
        var row = 0
        var column = 0
        func put(_ character: Character) {
            while lines[row].count < column { lines[row].append(" ") }
            if column < lines[row].count { lines[row][column] = character } else { lines[row].append(character) }
            column += 1
        }
        let scalars = Array(String(decoding: self.screen, as: UTF8.self).unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "\r": column = 0
            case "\n":
                row += 1
                if row == lines.count { lines.append([]) }
            case "\u{08}": column = max(0, column - 1)
            case "\u{07}": break
            case "\u{1B}":
                guard index < scalars.count else { break }
                guard scalars[index] == "[" else {
                    index += 1  // a two-character escape such as ESC = or ESC >
                    break
                }
                index += 1
                var parameters = ""
                while index < scalars.count, !(0x40...0x7E).contains(scalars[index].value) {
                    parameters.unicodeScalars.append(scalars[index])
                    index += 1
                }
                guard index < scalars.count else { break }
                let final = scalars[index]
                index += 1
                let number = Int(parameters.split(separator: ";").first ?? "") ?? 0
                let count = max(number, 1)
                switch final {
                case "G": column = count - 1
                case "C": column += count
                case "D": column = max(0, column - count)
                case "A": row = max(0, row - count)
                case "B":
                    row += count
                    while lines.count <= row { lines.append([]) }
                case "K":
                    if number == 0 {
                        if column < lines[row].count { lines[row].removeSubrange(column...) }
                    } else if number == 2 {
                        lines[row] = []
                    } else {
                        for position in 0..<min(column + 1, lines[row].count) { lines[row][position] = " " }
                    }
                case "J":
                    if column < lines[row].count { lines[row].removeSubrange(column...) }
                    if row + 1 < lines.count { lines.removeSubrange((row + 1)...) }
                case "P":
                    if column < lines[row].count {
                        lines[row].removeSubrange(column..<min(column + count, lines[row].count))
                    }
                case "@":
                    while lines[row].count < column { lines[row].append(" ") }
                    lines[row].insert(contentsOf: repeatElement(" ", count: count), at: column)
                default: break  // colors and modes change nothing we look at
                }
            default:
                if scalar.value >= 0x20 && scalar.value != 0x7F { put(Character(scalar)) }
            }
        }
        return (lines.map { String($0) }, row)
    }

    /// The line the cursor is on, as displayed.
    var currentLine: String {
        let display = self.displayedLines
        return display.lines[display.cursorRow]
    }

    /// Waits (at most `timeout` seconds) until the line the cursor is on reads exactly `text`.
    func waitForCurrentLine(_ text: String, timeout: Double = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while self.currentLine != text {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0, !self.reachedEnd else {
                throw Timeout(waitingFor: "current line \(String(reflecting: text))", seen: self.currentLine)
            }
            _ = self.pump(milliseconds: Int32(min(remaining, 0.5) * 1000) + 1)
        }
        // What is on the screen now has been looked at.
        self.mark = self.screen.count
    }

    /// Reads until the child closes the terminal and exits (at most `timeout` seconds); its exit status.
    func waitForExit(timeout: Double = 10) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while !self.reachedEnd {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw Timeout(waitingFor: "exit", seen: self.unread) }
            _ = self.pump(milliseconds: Int32(min(remaining, 0.5) * 1000) + 1)
        }
        self.process.waitUntilExit()
        return self.process.terminationStatus
    }
}

/// The interactive shell on a real terminal (DESIGN §5.1, §5.6, §5.7): banner and prompts, libedit editing,
/// completion, history recall, Ctrl-C and Ctrl-D, and what the history file keeps.
@Suite(.serialized)
struct InteractiveTests {
    /// A shell on a terminal in a fresh folder, with its own history file.
    final class Shell {
        let folder: TemporaryDirectory
        let terminal: PseudoTerminal
        var historyPath: String { self.folder.url.appendingPathComponent("history").path }

        init(
            folder: TemporaryDirectory? = nil, extraArguments: [String] = [], environment extra: [String: String] = [:],
            output: FileHandle? = nil
        ) throws {
            let folder = try folder ?? TemporaryDirectory()
            self.folder = folder
            let environment = Binary.environment(
                home: folder.path, extra: ["TERM": "xterm", "NO_COLOR": "1"].merging(extra) { _, new in new })
            self.terminal = try PseudoTerminal(
                arguments: ["--history", folder.url.appendingPathComponent("history").path] + extraArguments,
                environment: environment, directory: folder.url, output: output)
        }

        /// Waits for the banner and the first prompt.
        func started() throws -> Shell {
            try self.terminal.waitFor("crm 0.1.0 — type 'help' for commands, Tab to complete, Ctrl-D to leave")
            try self.terminal.waitFor("crm> ")
            return self
        }

        /// Types a line and Enter, then waits for `expected` and the next prompt `prompt`; returns what was shown.
        @discardableResult
        func command(_ line: String, shows expected: String, prompt: String = "crm(agent)> ") throws -> String {
            try self.terminal.type(line + "\r")
            let shown = try self.terminal.waitFor(expected)
            return shown + (try self.terminal.waitFor(prompt))
        }

        /// Types a line that asks `[y/N]` and Enter, waits for `question`, types `answer`, then waits for
        /// `expected` and the next prompt `prompt`.
        func command(
            _ line: String, answering answer: String, question: String = "[y/N] ", shows expected: String,
            prompt: String = "crm(agent)> "
        ) throws {
            try self.terminal.type(line + "\r", until: question)
            try self.terminal.type(answer, until: expected, prompt)
        }

        /// Ctrl-C at the prompt: waits for `^C` and a fresh, empty prompt line.
        func interrupt() throws {
            try self.terminal.type("\u{03}", until: "^C")
            try self.terminal.waitForCurrentLine("crm(agent)> ")
        }

        func login() throws {
            try self.command("login agent123", shows: "logged in as agent (agent)")
        }

        /// Ctrl-D on an empty line; the exit status.
        func leave() throws -> Int32 {
            try self.terminal.type("\u{04}")
            return try self.terminal.waitForExit()
        }
    }

    @Test func bannerPromptAndCommands() throws {
        let shell = try Shell().started()
        try shell.command("login agent123", shows: "logged in as agent (agent)")
        let list = try shell.command("customer list", shows: "(1-2 of 2 customers)")
        #expect(list.contains("Jane Doe"))
        #expect(list.contains("John Smith"))
        // A failing command prints an error and the shell carries on.
        let failed = try shell.command("ticket show 999", shows: "error: ticket/999 not found")
        #expect(!failed.contains("\u{1B}[31m"), "NO_COLOR is set: no colors")
        try shell.command("whoami", shows: "agent (agent)")
        try shell.command("tickt list", shows: "error: unknown command 'tickt'; did you mean 'ticket'?")
        try shell.command("logout", shows: "logged out", prompt: "crm> ")
        #expect(try shell.leave() == 0)
    }

    @Test func tabCompletesCommandsSubcommandsAndIDs() throws {
        let shell = try Shell().started()
        try shell.login()
        try shell.command("ticket create --customer 1 --subject Printer", shows: "created ticket 1")

        try shell.terminal.type("tic", untilLine: "crm(agent)> tic")
        try shell.terminal.type("\t", untilLine: "crm(agent)> ticket ")
        try shell.terminal.type("sh\t", untilLine: "crm(agent)> ticket show ")
        // A live ticket ID: ticket 1 is the only one, so Tab writes it out.
        try shell.terminal.type("\t", untilLine: "crm(agent)> ticket show 1 ")
        try shell.terminal.type("\r")
        let shown = try shell.terminal.waitFor("crm(agent)> ")
        #expect(shown.contains("subject:     Printer"))
        #expect(shown.contains("version:     1"))

        // Flags and their enum values complete too.
        try shell.terminal.type("ticket update 1 --sta\t", untilLine: "crm(agent)> ticket update 1 --status ")
        try shell.terminal.type("in_\t", untilLine: "crm(agent)> ticket update 1 --status in_progress ")
        let updated = try shell.command("", shows: "ticket 1: in_progress, version 2")
        #expect(!updated.contains("error"))
        #expect(try shell.leave() == 0)
    }

    @Test func upArrowRecallsThePreviousLine() throws {
        let shell = try Shell().started()
        try shell.login()
        try shell.command("customer show 2", shows: "John Smith")
        try shell.command("whoami", shows: "agent (agent)")
        try shell.terminal.type("\u{1B}[A", untilLine: "crm(agent)> whoami")
        try shell.command("", shows: "agent (agent)")
        try shell.terminal.type("\u{1B}[A\u{1B}[A", untilLine: "crm(agent)> customer show 2")
        try shell.command("", shows: "John Smith")
        #expect(try shell.leave() == 0)
    }

    @Test func ctrlCAbandonsAHalfTypedLine() throws {
        let shell = try Shell().started()
        try shell.login()
        try shell.terminal.type("ticket show 12345", until: "12345")
        try shell.interrupt()
        // The next line starts empty: only what is typed now runs.
        let shown = try shell.command("whoami", shows: "agent (agent)")
        #expect(!shown.contains("not found"))
        #expect(!shown.contains("12345whoami"))
        #expect(shell.terminal.process.isRunning)
        #expect(try shell.leave() == 0)
        #expect(!String(decoding: shell.terminal.screen, as: UTF8.self).contains("ticket/12345"))
    }

    @Test func ctrlDOnAnEmptyLineExitsWithZero() throws {
        let shell = try Shell().started()
        try shell.command("ticket show 1", shows: "error: ticket/1 not found", prompt: "crm> ")
        #expect(try shell.leave() == 0)
    }

    @Test func exitLeavesTheShell() throws {
        let shell = try Shell().started()
        try shell.terminal.type("exit\r")
        #expect(try shell.terminal.waitForExit() == 0)
    }

    @Test func anOpenQuoteContinuesOnTheNextLine() throws {
        let shell = try Shell().started()
        try shell.login()
        try shell.terminal.type("ticket create --customer 1 --subject Two --description 'first\r", until: "...> ")
        try shell.command("second'", shows: "created ticket 1")
        // The table shows the line break escaped; JSON shows the stored text.
        try shell.command("ticket show 1", shows: #"description: first\x0asecond"#)
        try shell.terminal.type("set format json\r", until: "crm(agent)> ")
        try shell.command("ticket show 1", shows: #""description":"first\nsecond""#)
        #expect(try shell.leave() == 0)
    }

    @Test func loginWithoutATokenAsksWithEchoOff() throws {
        let shell = try Shell().started()
        try shell.terminal.type("login\r", until: "token: ")
        try shell.terminal.send("agent123\r")
        let shown = try shell.terminal.waitFor("crm(agent)> ")
        #expect(shown.contains("logged in as agent (agent)"))
        #expect(!shown.contains("agent123"))
        #expect(try shell.leave() == 0)
        #expect(!String(decoding: shell.terminal.screen, as: UTF8.self).contains("agent123"))
    }

    @Test func deleteOnATerminalAsksForConfirmation() throws {
        let shell = try Shell().started()
        try shell.command("login admin123", shows: "logged in as admin (admin)", prompt: "crm(admin)> ")
        try shell.command("ticket create --customer 1 --subject Doomed", shows: "created ticket 1", prompt: "crm(admin)> ")
        // The question is asked through the line editor, like a command.
        try shell.command(
            "ticket delete 1", answering: "n\r", question: "delete ticket 1 and its notes? [y/N] ",
            shows: "error: cancelled", prompt: "crm(admin)> ")
        try shell.command("ticket show 1", shows: "subject:     Doomed", prompt: "crm(admin)> ")
        try shell.command("ticket delete 1", answering: "y\r", shows: "deleted ticket 1", prompt: "crm(admin)> ")
        try shell.command("ticket show 1", shows: "error: ticket/1 not found", prompt: "crm(admin)> ")
        #expect(try shell.leave() == 0)
    }

    // MARK: history

    /// The history file's lines, decoded from libedit's format (`\040` for a space), without its header.
    static func historyLines(_ path: String) throws -> (raw: String, lines: [String]) {
        let raw = try String(contentsOfFile: path, encoding: .utf8)
        let lines = raw.split(separator: "\n").map { String($0) }.filter { $0 != "_HiStOrY_V2_" }
            .map { $0.replacingOccurrences(of: "\\040", with: " ") }
        return (raw, lines)
    }

    @Test func historyIsPrivateAndKeepsNoLoginsOrTokens() throws {
        let shell = try Shell().started()
        try shell.login()
        try shell.command("customer list", shows: "(1-2 of 2 customers)")
        try shell.command("ticket show 999", shows: "error: ticket/999 not found")
        try shell.command(" customer show 2", shows: "John Smith")
        try shell.command("whoami", shows: "agent (agent)")
        try shell.command("whoami", shows: "agent (agent)")
        try shell.terminal.type("note add 1 abandoned", until: "abandoned")
        try shell.terminal.type("\u{03}", until: "crm(agent)> ")
        try shell.command("login admin123", shows: "logged in as admin (admin)", prompt: "crm(admin)> ")
        #expect(try shell.leave() == 0)

        let attributes = try FileManager.default.attributesOfItem(atPath: shell.historyPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let (raw, lines) = try Self.historyLines(shell.historyPath)
        #expect(raw.contains("customer\\040list"), "libedit encodes spaces as \\040: \(raw)")
        #expect(lines == ["customer list", "ticket show 999", "whoami"], "\(raw)")
        #expect(!raw.contains("login"))
        #expect(!raw.contains("agent123"))
        #expect(!raw.contains("admin123"))
        #expect(!raw.contains("abandoned"))
    }

    @Test func historyCarriesOverToTheNextSession() throws {
        try withTemporaryDirectory { folder in
            let first = try Shell(folder: folder).started()
            try first.command("ticket list --status open", shows: "(0 of 0 tickets)", prompt: "crm> ")
            #expect(try first.leave() == 0)

            let second = try Shell(folder: folder).started()
            try second.terminal.type("\u{1B}[A")
            try second.terminal.waitForCurrentLine("crm> ticket list --status open")
            try second.command("", shows: "(0 of 0 tickets)", prompt: "crm> ")
            #expect(try second.leave() == 0)
            let (_, lines) = try Self.historyLines(second.historyPath)
            #expect(lines == ["ticket list --status open"])
        }
    }

    @Test func anExistingHistoryFileIsMadePrivate() throws {
        try withTemporaryDirectory { folder in
            let path = try folder.write("history", "_HiStOrY_V2_\nwhoami\n")
            chmod(path, 0o644)
            let shell = try Shell(folder: folder).started()
            try shell.command("whoami", shows: "anonymous", prompt: "crm> ")
            #expect(try shell.leave() == 0)
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        }
    }

    // MARK: any script, typed or pasted (DESIGN §5.1)

    /// Non-ASCII names as the terminal sends them (UTF-8), typed key by key or pasted in one go.
    static let names: [(name: String, pasted: Bool)] = [
        ("José Müller", false), ("山田 太郎", true), ("Zoë", false), ("👩‍💻 Dev", true), ("Rene\u{301}e", false),
        ("Ünïcödé 日本語 🎉", true),
    ]

    @Test(arguments: ["C.UTF-8", "C"])
    func nonASCIITypedOrPastedIsStoredIntact(language: String) throws {
        let shell = try Shell(environment: ["LANG": language, "LC_ALL": language]).started()
        try shell.login()
        for (index, entry) in Self.names.enumerated() {
            let line = "customer create --name \"\(entry.name)\" --email c\(index)@example.com\r"
            if entry.pasted {
                try shell.terminal.type(line)
            } else {
                try shell.terminal.typeSlowly(line)
            }
            try shell.terminal.waitFor("created customer \(index + 3)")
            try shell.terminal.waitFor("crm(agent)> ")
        }
        try shell.command("ticket create --customer 3 --subject Écran", shows: "created ticket 1")
        try shell.command("note add 1 日本語 👩‍💻 e\u{301}", shows: "added note 1 to ticket 1")
        try shell.terminal.type("set format json\r", until: "crm(agent)> ")
        for (index, entry) in Self.names.enumerated() {
            try shell.command("customer show \(index + 3)", shows: "\"name\":\"\(entry.name)\"")
        }
        try shell.command("ticket show 1", shows: "\"subject\":\"Écran\"")
        try shell.command("note list 1", shows: "\"text\":\"日本語 👩‍💻 e\u{301}\"")
        try shell.command("whoami # José Müller, Zoë", shows: "\"user\":\"agent\"")
        // Completion lists the names intact.
        try shell.terminal.type("customer show \t", until: "3  José Müller", "6  👩‍💻 Dev")
        try shell.interrupt()
        #expect(try shell.leave() == 0)

        // History keeps them too, and the next session recalls them as typed.
        let (raw, lines) = try Self.historyLines(shell.historyPath)
        for (index, entry) in Self.names.enumerated() {
            #expect(lines.contains("customer create --name \"\(entry.name)\" --email c\(index)@example.com"), "\(raw)")
        }
        let next = try Shell(folder: shell.folder, environment: ["LANG": language, "LC_ALL": language]).started()
        try next.terminal.type("\u{1B}[A")
        try next.terminal.waitForCurrentLine("crm> whoami # José Müller, Zoë")
        try next.command("", shows: "anonymous", prompt: "crm> ")
        #expect(try next.leave() == 0)
    }

    // MARK: prompts read through the line editor (DESIGN §5.3)

    @Test func linesPastedAfterTheTokenPromptAllRun() throws {
        let shell = try Shell().started()
        try shell.terminal.type(
            "login\radmin123\rticket create --customer 1 --subject First\rticket create --customer 2 --subject Second\r")
        try shell.terminal.waitFor("token: ")
        try shell.terminal.waitFor("logged in as admin (admin)")
        try shell.terminal.waitFor("created ticket 1")
        try shell.terminal.waitFor("created ticket 2")
        try shell.terminal.waitFor("crm(admin)> ")
        // The answer to a confirmation can be pasted ahead with its command, and so can what follows.
        try shell.terminal.type("ticket delete 1\ry\rticket show 2\r", until: "[y/N] ", "deleted ticket 1")
        try shell.terminal.waitFor("subject:     Second")
        try shell.command("ticket show 1", shows: "error: ticket/1 not found", prompt: "crm(admin)> ")
        #expect(try shell.leave() == 0)
        #expect(!String(decoding: shell.terminal.screen, as: UTF8.self).contains("admin123"))
        let history = try String(contentsOfFile: shell.historyPath, encoding: .utf8)
        #expect(!history.contains("admin123"))
    }

    @Test(arguments: ["\u{03}", "\u{04}"])
    func ctrlCOrCtrlDCancelsTheTokenPromptOnly(key: String) throws {
        let shell = try Shell().started()
        try shell.terminal.type("login\r", until: "token: ")
        try shell.terminal.type("agent1" + key, until: "crm> ")
        try shell.command("whoami", shows: "anonymous", prompt: "crm> ")
        // The next prompt works as before.
        try shell.terminal.type("login\r", until: "token: ")
        try shell.terminal.type("agent123\r", until: "logged in as agent (agent)", "crm(agent)> ")
        #expect(try shell.leave() == 0)
    }

    @Test(arguments: ["\u{03}", "\u{04}"])
    func ctrlCOrCtrlDCancelsTheConfirmationOnly(key: String) throws {
        let shell = try Shell().started()
        try shell.command("login admin123", shows: "logged in as admin (admin)", prompt: "crm(admin)> ")
        try shell.command("ticket create --customer 1 --subject Kept", shows: "created ticket 1", prompt: "crm(admin)> ")
        try shell.command("ticket delete 1", answering: key, shows: "error: cancelled", prompt: "crm(admin)> ")
        // A `y` typed afterwards is a command of its own, not a late answer.
        try shell.command("y", shows: "error: unknown command 'y'", prompt: "crm(admin)> ")
        try shell.command("ticket show 1", shows: "subject:     Kept", prompt: "crm(admin)> ")
        // The next confirmation works as before.
        try shell.command("ticket delete 1", answering: "y\r", shows: "deleted ticket 1", prompt: "crm(admin)> ")
        #expect(try shell.leave() == 0)
    }

    @Test(arguments: ["\u{03}", "\u{04}"])
    func ctrlCOrCtrlDCancelsTheContinuationOnly(key: String) throws {
        let shell = try Shell().started()
        try shell.login()
        try shell.command("ticket create --customer 1 --subject Open", shows: "created ticket 1")
        try shell.terminal.type("note add 1 'never\r", until: "...> ")
        // Ctrl-C abandons what is typed; Ctrl-D works on an empty line (elsewhere it deletes a character).
        try shell.terminal.type(key == "\u{03}" ? "finished" + key : key, untilLine: "crm(agent)> ")
        try shell.command("note list 1", shows: "(0 of 0 notes)")
        try shell.command("whoami", shows: "agent (agent)")
        #expect(try shell.leave() == 0)
    }

    @Test func ctrlCAtTheCommandPromptKeepsTheSessionGoing() throws {
        let shell = try Shell().started()
        try shell.login()
        // Each Ctrl-C once the editor shows a fresh prompt (a key pressed between two reads is the terminal's).
        try shell.interrupt()
        try shell.interrupt()
        try shell.command("whoami", shows: "agent (agent)")
        #expect(try shell.leave() == 0)
    }

    // MARK: stdout piped (DESIGN §5.1)

    @Test func stdinOnATerminalIsInteractiveEvenWithStdoutPiped() throws {
        try withTemporaryDirectory { folder in
            let logPath = try folder.write("log", "")
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
            defer { try? log.close() }
            let shell = try Shell(folder: folder, output: log).started()
            // The banner, the prompt and the editing are on the terminal; the results go to stdout.
            try shell.terminal.type("login agent123\r", until: "crm(agent)> ")
            try shell.terminal.type("cust\t", untilLine: "crm(agent)> customer ")
            try shell.terminal.type("list\r", until: "crm(agent)> ")
            try shell.terminal.type("whoami\r", until: "crm(agent)> ")
            #expect(try shell.leave() == 0)
            let logged = try String(contentsOfFile: logPath, encoding: .utf8)
            #expect(logged.hasPrefix("logged in as agent (agent)\n"), "\(logged)")
            #expect(logged.hasSuffix("(1-2 of 2 customers)\nagent (agent); token 1 \"seed\", never expires\n"), "\(logged)")
            #expect(!logged.contains("crm(agent)> "), "\(logged)")
        }
    }

    // MARK: the history file shared and defended (DESIGN §5.6)

    @Test func twoShellsMergeTheirHistory() throws {
        try withTemporaryDirectory { folder in
            let first = try Shell(folder: folder).started()
            let second = try Shell(folder: folder).started()
            try first.command("whoami", shows: "anonymous", prompt: "crm> ")
            try second.command("ticket list --status open", shows: "(0 of 0 tickets)", prompt: "crm> ")
            try first.command("ticket list", shows: "(0 of 0 tickets)", prompt: "crm> ")
            try second.command("whoami", shows: "anonymous", prompt: "crm> ")
            #expect(try first.leave() == 0)
            #expect(try second.leave() == 0)
            let (raw, lines) = try Self.historyLines(first.historyPath)
            #expect(lines == ["whoami", "ticket list --status open", "ticket list", "whoami"], "\(raw)")
            let attributes = try FileManager.default.attributesOfItem(atPath: first.historyPath)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        }
    }

    @Test func aHistoryPathThatIsNotAHistoryFileIsRefusedAndLeftAlone() throws {
        try withTemporaryDirectory { folder in
            let text = "my notes\nkeep them\n"
            let path = try folder.write("history", text)
            let shell = try Shell(folder: folder)
            try shell.terminal.waitFor("error: \(path) is not a crm history file")
            #expect(try shell.terminal.waitForExit() == 2)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
        }
    }

    @Test func aHistoryPathThatIsASymlinkIsNotFollowed() throws {
        try withTemporaryDirectory { folder in
            let target = try folder.write("target", "_HiStOrY_V2_\nwhoami\n")
            chmod(target, 0o644)
            try FileManager.default.createSymbolicLink(
                atPath: folder.url.appendingPathComponent("history").path, withDestinationPath: target)
            let shell = try Shell(folder: folder)
            try shell.terminal.waitFor("is a symbolic link, which crm does not follow")
            #expect(try shell.terminal.waitForExit() == 2)
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "_HiStOrY_V2_\nwhoami\n")
            let attributes = try FileManager.default.attributesOfItem(atPath: target)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o644)
        }
    }

    @Test func theMergedHistoryStaysCappedWithoutConsecutiveDuplicates() throws {
        try withTemporaryDirectory { folder in
            let old = (1...1_000).map { "ticket\\040show\\040\($0)" }
            try folder.write("history", "_HiStOrY_V2_\n" + old.joined(separator: "\n") + "\nwhoami\n")
            let shell = try Shell(folder: folder).started()
            try shell.command("whoami", shows: "anonymous", prompt: "crm> ")
            try shell.command("ticket list", shows: "(0 of 0 tickets)", prompt: "crm> ")
            #expect(try shell.leave() == 0)
            let (raw, lines) = try Self.historyLines(shell.historyPath)
            #expect(lines.count == 1_000, "\(raw.suffix(200))")
            #expect(lines.suffix(3) == ["ticket show 1000", "whoami", "ticket list"], "\(raw.suffix(200))")
        }
    }
}

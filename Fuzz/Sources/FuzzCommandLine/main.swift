import CFuzzDriver
import CRMShell

/// One shell line in: the tokenizer either asks for more input or yields words that single-quote back to
/// themselves, and the command table turns the words into an invocation, a `--help`, or a usage error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard case .words(let words) = Tokenizer.tokenize(line) else { return 0 }
    let quoted = words.map(singleQuoted).joined(separator: " ")
    guard Tokenizer.tokenize(quoted) == .words(words) else {
        fatalError("single-quoted words \(quoted.debugDescription) do not tokenize back to \(words)")
    }
    do {
        switch try CommandTable.parser.parse(words) {
        case .invocation(let invocation):
            check(
                CommandTable.parser.commands.contains { $0 === invocation.command }, "parsed to a command not in the table")
        case .help(let command):
            check(!command.help.isEmpty, "empty help for \(command.name)")
        }
    } catch let error as ShellError {
        guard case .usage(let message) = error, !message.isEmpty else {
            fatalError("parsing \(words) threw \(error), not a usage error with a message")
        }
    } catch {
        fatalError("parsing \(words) threw \(error), not a usage error")
    }
    return 0
}

/// The word in single quotes, each `'` in it written as `'\''`.
private func singleQuoted(_ word: String) -> String {
    var bytes: [UInt8] = [UInt8(ascii: "'")]
    for byte in word.utf8 {
        bytes += byte == UInt8(ascii: "'") ? Array("'\\''".utf8) : [byte]
    }
    bytes.append(UInt8(ascii: "'"))
    return String(decoding: bytes, as: UTF8.self)
}

/// Stops with `message` when `condition` fails; unlike `precondition`, the message survives a release build.
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

/// The executable's entry point, which SwiftPM names `<module>_main` and links as `main`: libFuzzer's driver.
@_cdecl("FuzzCommandLine_main")
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzz(data!, size) }
}

import CRMShell
import FuzzSupport

/// One shell line in. The words of a tokenizer without rest-of-line TEXT single-quote back to themselves; the
/// command table's own entry point (TEXT arguments included) turns the line into an invocation, a `--help`, or a
/// usage error with a message, and nothing else.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var plainWords = Tokenizer { _ in .no }
    if case .complete(let words) = plainWords.append(line) {
        let texts = words.map(\.text)
        let quoted = texts.map(singleQuoted).joined(separator: " ")
        var again = Tokenizer { _ in .no }
        guard case .complete(let back) = again.append(quoted), back.map(\.text) == texts else {
            fatalError("single-quoted words \(quoted.debugDescription) do not tokenize back to \(texts)")
        }
    }
    do {
        switch try CommandTable.parse(line: line) {
        case .invocation(let invocation):
            check(
                CommandTable.parser.commands.contains { $0 === invocation.command }, "parsed to a command not in the table")
        case .help(let command):
            check(!command.help.isEmpty, "empty help for \(command.name)")
        }
    } catch let error as ShellError {
        guard case .usage(let message) = error, !message.isEmpty else {
            fatalError("parsing \(line.debugDescription) threw \(error), not a usage error with a message")
        }
    } catch {
        fatalError("parsing \(line.debugDescription) threw \(error), not a usage error")
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

/// The executable's entry point, which SwiftPM names `<module>_main` and links as `main`: libFuzzer's driver.
@_cdecl("FuzzCommandLine_main")
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv) { data, size in fuzz(data!, size) }
}

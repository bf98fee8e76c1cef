import Foundation

/// Reads `KEY=VALUE` lines from a `.env` file; the process environment wins over the file.
enum DotEnv {
    /// The environment with `.env` (in the working directory) filled in underneath it. A value that opens a quote
    /// and does not end with it is a usage error naming the file, line and key (never the value: it may be a token).
    static func merged(with environment: [String: String], path: String = ".env") throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else { return environment }
        var merged = environment
        let lines = String(decoding: data, as: UTF8.self).split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (number, rawLine) in zip(1..., lines) {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)) }
            guard !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if let first = value.first, first == "\"" || first == "'" {
                guard value.count >= 2, value.last == first else {
                    throw ShellError.usage("\(path):\(number): unterminated quote in the value of \(key)")
                }
                value = String(value.dropFirst().dropLast())
            }
            if merged[key] == nil { merged[key] = value }
        }
        return merged
    }
}

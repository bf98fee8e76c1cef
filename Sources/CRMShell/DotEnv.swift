import Foundation

/// Reads `KEY=VALUE` lines from a `.env` file; the process environment wins over the file.
enum DotEnv {
    /// The environment with `.env` (in the working directory) filled in underneath it.
    static func merged(with environment: [String: String], path: String = ".env") -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else { return environment }
        var merged = environment
        for rawLine in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)) }
            guard !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            if merged[key] == nil { merged[key] = value }
        }
        return merged
    }
}

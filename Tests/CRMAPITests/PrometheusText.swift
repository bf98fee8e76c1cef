import Foundation
import Testing

/// A Prometheus text exposition (format 0.0.4), parsed strictly: a line that is not a comment, a `# TYPE`,
/// `# HELP` or a well-formed sample fails the test.
struct PrometheusText {
    struct Sample: Sendable, CustomStringConvertible {
        let name: String
        let labels: [String: String]
        let value: Double

        var description: String { "\(self.name)\(self.labels.sorted { $0.key < $1.key }) \(self.value)" }
    }

    /// Metric family name → type (`counter`, `gauge`, `histogram`, …).
    private(set) var types: [String: String] = [:]
    private(set) var samples: [Sample] = []

    init(_ text: String) throws {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                try #require(parts.count == 4, "bad TYPE line: \(line)")
                self.types[String(parts[2])] = String(parts[3])
            } else if line.hasPrefix("# HELP ") {
                continue
            } else {
                try #require(!line.hasPrefix("#"), "unknown comment: \(line)")
                self.samples.append(try Self.sample(String(line)))
            }
        }
        // Every sample belongs to a family with a TYPE (a histogram's `_bucket`, `_sum` and `_count` included).
        for sample in self.samples {
            try #require(self.family(of: sample.name) != nil, "no TYPE for \(sample.name)")
        }
    }

    /// The TYPE of the family `name` belongs to.
    func family(of name: String) -> String? {
        if let type = self.types[name] { return type }
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            if self.types[String(name.dropLast(suffix.count))] == "histogram" { return "histogram" }
        }
        return nil
    }

    /// The value of the sample with exactly these labels, if there is one.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        self.samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// Every sample of `name`.
    func samples(_ name: String) -> [Sample] { self.samples.filter { $0.name == name } }

    /// `name{a="x",b="y\"z"} 1.5`
    private static func sample(_ line: String) throws -> Sample {
        var rest = Substring(line)
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
        try #require(!name.isEmpty && !name.first!.isNumber, "bad metric name: \(line)")
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let key = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                try #require(!key.isEmpty, "bad label name: \(line)")
                rest = rest.dropFirst(key.count)
                try #require(rest.hasPrefix("=\""), "bad label: \(line)")
                rest = rest.dropFirst(2)
                var value = ""
                while let character = rest.first, character != "\"" {
                    rest = rest.dropFirst()
                    if character == "\\" {
                        let escaped = try #require(rest.first, "bad escape: \(line)")
                        rest = rest.dropFirst()
                        switch escaped {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: Issue.record("bad escape \\\(escaped): \(line)")
                        }
                    } else {
                        value.append(character)
                    }
                }
                try #require(rest.first == "\"", "unterminated label value: \(line)")
                rest = rest.dropFirst()
                try #require(labels.updateValue(value, forKey: String(key)) == nil, "repeated label: \(line)")
                if rest.first == "," { rest = rest.dropFirst() }
            }
            rest = rest.dropFirst()
        }
        try #require(rest.first == " ", "no value: \(line)")
        let number = rest.dropFirst()
        let value: Double? =
            switch number {
            case "+Inf": .infinity
            case "-Inf": -.infinity
            case "NaN": .nan
            default: Double(number)
            }
        return Sample(name: String(name), labels: labels, value: try #require(value, "bad value: \(line)"))
    }
}

import CRMDomain
import Foundation

/// Turns command outputs into `table`, `json` (JSON Lines), `csv` or `tsv` text.
public struct Renderer: Sendable {
    public let format: OutputFormat

    /// A renderer for `format`.
    public init(format: OutputFormat) {
        self.format = format
    }

    /// The text for an output, ending in a newline unless empty.
    public func render(_ output: CommandOutput) -> String {
        switch output {
        case .nothing:
            return ""
        case .text(let text):
            return text + "\n"
        case .described(let text, let value):
            return self.format == .json ? Self.json(AnyWritable(value)) : text + "\n"
        case .changed(let message, let entity):
            return self.format == .table ? VisibleText.escaped(message) + "\n" : self.record(entity)
        case .record(let entity):
            return self.record(entity)
        case .ticket(let shown):
            switch self.format {
            case .json: return Self.json(shown)
            case .csv, .tsv: return self.record(shown.ticket)
            case .table:
                var text = self.record(shown.ticket)
                if let notes = shown.notes {
                    text += notes.isEmpty ? "notes:  (none)\n" : "notes:\n"
                    for note in notes {
                        let author = VisibleText.escaped(note.author)
                        text += "  [\(note.createdAt.iso8601)] \(author): \(VisibleText.escaped(note.text))\n"
                    }
                }
                return text
            }
        case .list(let items, let fields, let listFields, let total, let offset, let noun):
            switch self.format {
            case .json: return Self.json(AnyWritable(items))
            case .csv: return Self.delimited(fields, items.map(\.values), separator: ",")
            case .tsv: return Self.delimited(fields, items.map(\.values), separator: "\t")
            case .table:
                let columns = listFields.compactMap { fields.firstIndex(of: $0) }
                let rows = items.map { item in columns.map { VisibleText.escaped(item.values[$0]) } }
                let range = items.isEmpty ? "0" : "\(offset + 1)-\(offset + items.count)"
                return Self.aligned(listFields, rows) + "(\(range) of \(total) \(noun))\n"
            }
        }
    }

    private func record(_ entity: any Renderable) -> String {
        let fields = type(of: entity).fields
        switch self.format {
        case .json: return Self.json(AnyWritable(entity))
        case .csv: return Self.delimited(fields, [entity.values], separator: ",")
        case .tsv: return Self.delimited(fields, [entity.values], separator: "\t")
        case .table:
            let width = fields.reduce(0) { max($0, $1.utf8.count) } + 2
            var text: [UInt8] = []
            text.reserveCapacity(fields.count * (width + 24))
            for (field, value) in zip(fields, entity.values.map(VisibleText.escaped)) {
                text.append(contentsOf: field.utf8)
                text.append(UInt8(ascii: ":"))
                if !value.isEmpty {
                    text.append(contentsOf: repeatElement(UInt8(ascii: " "), count: width - field.utf8.count - 1))
                    text.append(contentsOf: value.utf8)
                }
                text.append(UInt8(ascii: "\n"))
            }
            return String(decoding: text, as: UTF8.self)
        }
    }

    /// One JSON Lines record.
    static func json(_ value: some JSONWritable) -> String {
        var json = JSONWriter()
        value.write(to: &json)
        json.newline()
        return json.text
    }

    private static func aligned(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(CellWidth.of)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], CellWidth.of(cell)) }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                text += index == cells.count - 1 ? cell : cell.padded(to: widths[index] + 2)
            }
            while text.last == " " { text.removeLast() }
            return text + "\n"
        }
        return line(header) + rows.map(line).joined()
    }

    private static func delimited(_ header: [String], _ rows: [[String]], separator: Character) -> String {
        // By Unicode scalar, not Character: a comma or quote followed by a combining mark is one Character, yet
        // a CSV reader still sees the comma or quote.
        let separatorScalar = separator.unicodeScalars.first!
        func quote(_ field: String) -> String {
            let cell = VisibleText.escapedKeepingLineBreaks(field)
            let needsQuotes = cell.unicodeScalars.contains {
                $0 == separatorScalar || $0 == "\"" || $0 == "\n" || $0 == "\r"
            }
            guard needsQuotes else { return cell }
            var quoted = String.UnicodeScalarView()
            quoted.append("\"")
            for scalar in cell.unicodeScalars {
                quoted.append(scalar)
                if scalar == "\"" { quoted.append("\"") }
            }
            quoted.append("\"")
            return String(quoted)
        }
        let lines = ([header] + rows).map { $0.map(quote).joined(separator: String(separator)) }
        return lines.joined(separator: separator == "," ? "\r\n" : "\n") + (separator == "," ? "\r\n" : "\n")
    }
}

/// Lets an existential entity, or a heterogeneous list of them, be written as JSON.
private struct AnyWritable: JSONWritable {
    let write: (inout JSONWriter) -> Void

    init(_ entity: any JSONWritable) {
        self.write = { entity.write(to: &$0) }
    }

    init(_ entities: [any JSONWritable]) {
        self.write = { json in
            json.beginArray()
            for entity in entities { entity.write(to: &json) }
            json.endArray()
        }
    }

    func write(to json: inout JSONWriter) {
        self.write(&json)
    }
}

extension String {
    /// The string followed by spaces up to `width` terminal cells.
    func padded(to width: Int) -> String {
        let cells = CellWidth.of(self)
        return cells >= width ? self : self + String(repeating: " ", count: width - cells)
    }
}

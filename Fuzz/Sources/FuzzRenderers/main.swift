import CRMDomain
import CRMShell
import Foundation
import FuzzSupport

/// Arbitrary text in, rendered in every shape and format; checks what the renderers promise (DESIGN §5.4):
/// every output ends in a newline, JSON is one parsable line that gives every string back, CSV and TSV parse
/// back (RFC 4180) to the header and the values, and table columns line up when every cell is printable ASCII.
///
/// Input: the first byte picks the format (low two bits) and the shape (a list, one record, a ticket with notes);
/// the rest is UTF-8 text, records separated by U+001E and cells by U+001F.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let selector = Int(data[0])
    let format = OutputFormat.allCases[selector % 4]
    let text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    let cells = text.unicodeScalars.split(separator: "\u{1E}", omittingEmptySubsequences: false).map { record in
        record.split(separator: "\u{1F}", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
    }
    let records = cells.map(FuzzRecord.init(cells:))
    let output: CommandOutput
    let shown: [any Renderable]
    switch (selector / 4) % 3 {
    case 0:
        output = .list(
            records, fields: FuzzRecord.fields, listFields: FuzzRecord.listFields, total: records.count, offset: 0,
            noun: "records")
        shown = records
    case 1:
        output = .record(records[0])
        shown = [records[0]]
    default:
        let ticket = FuzzRecord.ticket(records[0])
        output = .ticket(TicketDetail(ticket: ticket, notes: records.dropFirst().map(FuzzRecord.note)))
        shown = [ticket]
    }
    let rendered = Renderer(format: format).render(output)
    check(rendered.utf8.last == UInt8(ascii: "\n"), "\(format) output does not end in a newline")
    switch format {
    case .json: checkJSON(rendered, output: output, records: records)
    case .csv: checkDelimited(rendered, separator: ",", terminator: "\r\n", shown: shown)
    case .tsv: checkDelimited(rendered, separator: "\t", terminator: "\n", shown: shown)
    case .table: if case .list = output { checkTable(rendered, records: records) }
    }
    return 0
}

/// A record of four text cells, missing ones empty.
struct FuzzRecord: Renderable {
    static let fields = ["id", "name", "text", "tags"]
    static let listFields = ["id", "tags", "name", "text"]
    let values: [String]

    init(cells: [String]) {
        self.values = (0..<Self.fields.count).map { $0 < cells.count ? cells[$0] : "" }
    }

    func write(to json: inout JSONWriter) {
        json.beginObject()
        for (field, value) in zip(Self.fields, self.values) {
            json.key(field)
            json.string(value)
        }
        json.endObject()
    }

    static func ticket(_ record: FuzzRecord) -> Ticket {
        let at = Timestamp(secondsSince1970: 1_736_154_000)
        return Ticket(
            id: TicketID(1), customerID: CustomerID(1), subject: record.values[0], description: record.values[2],
            status: .open, priority: .normal, assignee: record.values[1].isEmpty ? nil : record.values[1],
            tags: record.values[3].split(separator: ",").map(String.init), createdAt: at, updatedAt: at, version: 1)
    }

    static func note(_ record: FuzzRecord) -> Note {
        Note(
            id: NoteID(1), ticketID: TicketID(1), author: record.values[1], text: record.values[2],
            createdAt: Timestamp(secondsSince1970: 1_736_154_000))
    }
}

/// JSON Lines: one line, valid JSON, and a list or record of `FuzzRecord`s gives every cell back.
private func checkJSON(_ rendered: String, output: CommandOutput, records: [FuzzRecord]) {
    let line = rendered.utf8.dropLast()
    check(!line.contains(UInt8(ascii: "\n")), "a JSON value spans lines: \(rendered.debugDescription)")
    guard let value = try? JSONSerialization.jsonObject(with: Data(line), options: []) else {
        fatalError("invalid JSON: \(rendered.debugDescription)")
    }
    let objects: [Any]
    switch output {
    case .list: objects = value as? [Any] ?? []
    case .record: objects = [value]
    default: return
    }
    let expected = output.isList ? records : [records[0]]
    check(objects.count == expected.count, "JSON holds \(objects.count) records, not \(expected.count)")
    for (object, record) in zip(objects, expected) {
        let decoded = FuzzRecord.fields.map { (object as? [String: Any])?[$0] as? String }
        check(
            decoded.map { $0.map { Array($0.unicodeScalars) } } == record.values.map { Optional(Array($0.unicodeScalars)) },
            "JSON \(rendered.debugDescription) does not give back \(record.values)")
    }
}

/// CSV/TSV: when no cell holds a control character other than tab, CR and LF, the text parses back (RFC 4180) to the
/// header row and the values, scalar for scalar.
private func checkDelimited(
    _ rendered: String, separator: Unicode.Scalar, terminator: String, shown: [any Renderable]
) {
    guard let first = shown.first else { return }
    let expected = [type(of: first).fields] + shown.map(\.values)
    guard expected.joined().allSatisfy(isPlain) else { return }
    guard let parsed = parseDelimited(rendered, separator: separator, terminator: Array(terminator.unicodeScalars))
    else { fatalError("not RFC 4180 text: \(rendered.debugDescription)") }
    check(
        parsed.map { $0.map { Array($0.unicodeScalars) } } == expected.map { $0.map { Array($0.unicodeScalars) } },
        "\(rendered.debugDescription) parses back to \(parsed), not \(expected)")
}

/// Table: when every cell is printable ASCII, each column starts at the same offset on the header and every row,
/// after the widest cell of the column before it; a count line closes the table.
private func checkTable(_ rendered: String, records: [FuzzRecord]) {
    let columns = FuzzRecord.listFields.map { FuzzRecord.fields.firstIndex(of: $0)! }
    let rows = [FuzzRecord.listFields] + records.map { record in columns.map { record.values[$0] } }
    guard rows.joined().allSatisfy({ $0.utf8.allSatisfy { (0x20...0x7E).contains($0) } }) else { return }
    let lines = rendered.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
    check(lines.count == rows.count + 2, "table has \(lines.count - 2) lines for \(rows.count) rows")
    var offsets: [Int] = []
    var searchFrom = 0
    for name in FuzzRecord.listFields {
        guard let offset = find(Array(name.utf8), in: lines[0], from: searchFrom) else {
            fatalError("header \(String(decoding: lines[0], as: UTF8.self)) lacks \(name)")
        }
        offsets.append(offset)
        searchFrom = offset + name.utf8.count
    }
    for (row, line) in zip(rows, lines) {
        let padded = line + Array(repeating: UInt8(ascii: " "), count: max(0, offsets.last! + row.last!.utf8.count - line.count))
        for (index, cell) in row.enumerated() {
            let start = offsets[index]
            let end = start + cell.utf8.count
            check(
                end <= padded.count && Array(padded[start..<end]) == Array(cell.utf8),
                "column \(index) of \(String(decoding: line, as: UTF8.self).debugDescription) is not at \(start)")
            if index + 1 < row.count {
                check(
                    end < offsets[index + 1] && padded[end..<offsets[index + 1]].allSatisfy { $0 == UInt8(ascii: " ") },
                    "cell \(cell.debugDescription) runs into the next column")
            }
        }
    }
}

/// Whether a cell holds no control character (C0 other than tab, CR and LF, DEL, C1) and no bidi override or isolate.
private func isPlain(_ cell: String) -> Bool {
    cell.unicodeScalars.allSatisfy { scalar in
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: true
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: false
        default: true
        }
    }
}

private func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
    guard haystack.count >= needle.count else { return nil }
    return (start...max(start, haystack.count - needle.count)).first { offset in
        offset + needle.count <= haystack.count && Array(haystack[offset..<offset + needle.count]) == needle
    }
}

/// Strict RFC 4180: fields separated by `separator`, records ended by `terminator`; a field is quoted (`""` for a
/// quote) or holds no quote, CR or LF. Nil when the text breaks the grammar.
private func parseDelimited(_ text: String, separator: Unicode.Scalar, terminator: [Unicode.Scalar]) -> [[String]]? {
    let scalars = Array(text.unicodeScalars)
    var records: [[String]] = []
    var record: [String] = []
    var index = 0
    func atTerminator() -> Bool { scalars[index...].starts(with: terminator) }
    while index < scalars.count {
        var field = String.UnicodeScalarView()
        if scalars[index] == "\"" {
            index += 1
            while true {
                guard index < scalars.count else { return nil }
                if scalars[index] == "\"" {
                    guard index + 1 < scalars.count, scalars[index + 1] == "\"" else {
                        index += 1
                        break
                    }
                    index += 1
                }
                field.append(scalars[index])
                index += 1
            }
        } else {
            while index < scalars.count, scalars[index] != separator, !atTerminator() {
                guard !["\"", "\r", "\n"].contains(scalars[index]) else { return nil }
                field.append(scalars[index])
                index += 1
            }
        }
        record.append(String(field))
        guard index < scalars.count else { return nil }
        if scalars[index] == separator {
            index += 1
            continue
        }
        guard atTerminator() else { return nil }
        index += terminator.count
        records.append(record)
        record = []
    }
    return record.isEmpty ? records : nil
}

extension CommandOutput {
    fileprivate var isList: Bool {
        if case .list = self { return true }
        return false
    }
}

/// The executable's entry point, which SwiftPM names `<module>_main` and links as `main`: libFuzzer's driver.
@_cdecl("FuzzRenderers_main")
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv) { data, size in fuzz(data!, size) }
}

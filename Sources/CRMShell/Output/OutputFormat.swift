/// How results are written (DESIGN §5.4).
public enum OutputFormat: String, CaseIterable, Sendable {
    case table
    case json
    case csv
    case tsv
}

import Testing

/// The differential store tests' loop (CRMSQLiteTests, CRMPostgresTests): runs each line through the reference and
/// the candidate, records the first three lines whose answers differ (with the seed, to replay them) and expects
/// none to differ.
public func expectSameAnswers<Answer: Equatable>(
    _ lines: [String], seed: UInt64, candidate name: String, reference: (String) async -> Answer,
    candidate: (String) async -> Answer, sourceLocation: SourceLocation = #_sourceLocation
) async {
    var differences = 0
    for (number, line) in lines.enumerated() {
        let expected = await reference(line)
        let actual = await candidate(line)
        guard expected != actual else { continue }
        differences += 1
        if differences <= 3 {
            Issue.record(
                """
                seed \(seed), line \(number + 1): \(line.debugDescription)
                memory: \(String(reflecting: expected))
                \(name): \(String(reflecting: actual))
                """, sourceLocation: sourceLocation)
        }
    }
    #expect(differences == 0, "seed \(seed): \(differences) of \(lines.count) lines differ", sourceLocation: sourceLocation)
}

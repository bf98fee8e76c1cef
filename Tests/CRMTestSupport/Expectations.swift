import CRMDomain
import Testing

/// Expects `body` to fail with a validation error naming `field`.
public func expectValidation(
    field: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async {
    do {
        try await body()
        Issue.record("expected a validation error on \(field), but it succeeded", sourceLocation: sourceLocation)
    } catch let CRMError.validation(actual, reason) {
        #expect(actual == field, "reason: \(reason)", sourceLocation: sourceLocation)
        #expect(!reason.isEmpty, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a validation error on \(field), got \(error)", sourceLocation: sourceLocation)
    }
}

/// Expects `body` to fail with exactly `expected`.
public func expectError(
    _ expected: CRMError, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async {
    do {
        try await body()
        Issue.record("expected \(expected), but it succeeded", sourceLocation: sourceLocation)
    } catch let error as CRMError {
        #expect(error == expected, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(expected), got \(error)", sourceLocation: sourceLocation)
    }
}

import CRMDomain
import Testing

/// Expects `body` to fail with a validation error naming `field`; returns that error, for more checks on its text.
@discardableResult
public func expectValidation(
    field: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> CRMError? {
    do {
        try await body()
        Issue.record("expected a validation error on \(field), but it succeeded", sourceLocation: sourceLocation)
    } catch let CRMError.validation(actual, reason) {
        #expect(actual == field, "reason: \(reason)", sourceLocation: sourceLocation)
        #expect(!reason.isEmpty, sourceLocation: sourceLocation)
        return CRMError.validation(field: actual, reason: reason)
    } catch {
        Issue.record("expected a validation error on \(field), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
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

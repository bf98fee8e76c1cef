import CRMDomain
import Testing

/// `Identifier(validating:)`: the one place that says IDs are positive (DESIGN §3.6).
@Suite struct IdentifierTests {
    @Test(arguments: [1, 2, 42, Int.max])
    func aPositiveNumberIsAnID(_ value: Int) {
        #expect(TicketID(validating: value)?.rawValue == value)
        #expect(CustomerID(validating: value)?.rawValue == value)
    }

    @Test(arguments: [0, -1, Int.min])
    func zeroOrANegativeNumberIsNot(_ value: Int) {
        #expect(TicketID(validating: value) == nil)
        #expect(CustomerID(validating: value) == nil)
    }
}

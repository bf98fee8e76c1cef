import CRMDomain
import Hummingbird

/// An ID from the path. Text that is not an integer (`abc`, `1.5`) is 422 naming `id`, as the original service
/// answered; an integer the domain does not accept as an ID (0, negative, beyond 64 bits) is 404 for that
/// entity. Neither echoes control characters.
struct PathID<Entity> {
    let id: Identifier<Entity>

    init(_ context: CRMRequestContext, entity: String) throws {
        let text = context.parameters.get("id") ?? ""
        let digits = text.utf8.first == UInt8(ascii: "-") ? text.utf8.dropFirst() : text.utf8[...]
        guard !digits.isEmpty, digits.allSatisfy({ (48...57).contains($0) }) else {
            throw CRMError.validation(field: "id", reason: "must be an integer, got \(Self.shown(text))")
        }
        guard let value = Int(text), let id = Identifier<Entity>(validating: value) else {
            throw CRMError.notFound(entity: "\(entity)/\(Self.shown(text))")
        }
        self.id = id
    }

    /// The text as given when it is printable ASCII, else escaped; at most 40 characters.
    private static func shown(_ text: String) -> String {
        let printable = text.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }
        return String((printable ? text : text.debugDescription).prefix(40))
    }
}

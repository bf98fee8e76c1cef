import CRMDomain
import Hummingbird

/// An ID from the path: decimal digits that fit in 64 bits and that the domain accepts as an ID; anything else
/// is 404 for that entity, naming what was asked for without echoing control characters.
struct PathID<Entity> {
    let id: Identifier<Entity>

    init(_ context: CRMRequestContext, entity: String) throws {
        let text = context.parameters.get("id") ?? ""
        guard text.utf8.allSatisfy({ (48...57).contains($0) }), let value = Int(text),
            let id = Identifier<Entity>(validating: value)
        else {
            let shown = text.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }
                ? text : text.debugDescription
            throw CRMError.notFound(entity: "\(entity)/\(shown.prefix(40))")
        }
        self.id = id
    }
}

/// The lessons shipped inside the binary (`Lessons/*.lesson`, embedded by SwiftPM), in the order they are taught.
enum ShippedLessons {
    /// Name and file contents of each lesson; adding a lesson is adding its file and one entry here.
    static let files: [(name: String, bytes: [UInt8])] = [
        ("first-day", PackageResources.first_day_lesson),
        ("triage", PackageResources.triage_lesson),
        ("lifecycle", PackageResources.lifecycle_lesson),
        ("scripting", PackageResources.scripting_lesson),
    ]

    static var names: [String] { self.files.map(\.name) }

    /// The shipped lesson called `name`, parsed; nil when there is none.
    static func lesson(named name: String) throws(LessonError) -> Lesson? {
        guard let file = self.files.first(where: { $0.name == name }) else { return nil }
        return try LessonParser.parse(bytes: file.bytes, name: name, source: "\(name).lesson")
    }
}

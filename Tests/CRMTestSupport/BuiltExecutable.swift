import Foundation

/// The `crm` executable that `swift build --build-tests` puts beside the test bundle (`.build/debug/crm`).
/// Throws an error listing every place it looked.
public func crmExecutable() throws -> URL {
    var folders: [URL] = []
    if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        folders.append(URL(fileURLWithPath: path).deletingLastPathComponent())
    }
    if let path = CommandLine.arguments.first, path.contains("/") {
        folders.append(URL(fileURLWithPath: path).deletingLastPathComponent())
    }
    folders.append(Bundle.main.bundleURL)
    var searched: [String] = []
    // The test bundle may itself be one of the folders: look in each and in its parent.
    for folder in folders {
        for candidate in [folder, folder.deletingLastPathComponent()].map({ $0.appendingPathComponent("crm") }) {
            searched.append(candidate.path)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                FileManager.default.isExecutableFile(atPath: candidate.path)
            {
                return candidate
            }
        }
    }
    throw ExecutableNotFound(searched: searched)
}

/// No `crm` executable was found; build it with `swift build --build-tests`.
public struct ExecutableNotFound: Error, CustomStringConvertible {
    public let searched: [String]
    public var description: String {
        "crm executable not found (build with `swift build --build-tests`); looked at " + self.searched.joined(separator: ", ")
    }
}

import CRMAPI
import CRMTestSupport
import Foundation
import Logging
import Testing

/// The server's log file: lines are batched off the request path, yet none is lost or held back for long.
@Suite("File log handler", .serialized)
struct FileLogHandlerTests {
    static func logger(writingTo path: String) -> Logger {
        var logger = Logger(label: "crm.test") { FileLogHandler(label: $0, path: path) }
        logger.logLevel = .info
        return logger
    }

    @Test("every line logged from many tasks is in the file after a flush, each task's lines in order")
    func noLineLost() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.url.appendingPathComponent("server.log").path
        let logger = Self.logger(writingTo: path)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for line in 0..<500 { logger.info("task=\(task) line=\(line)") }
                }
            }
        }
        FileLogHandler.flushAll()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4_000)
        for task in 0..<8 {
            let numbers: [Int] = lines.filter { $0.contains("task=\(task) ") }.compactMap { line in
                line.split(separator: "line=").last.flatMap { Int($0) }
            }
            let expected = Array(0..<500)
            #expect(numbers == expected, "task \(task)")
        }
    }

    @Test("a line reaches the file by itself, without a flush, within moments")
    func lineWrittenWithoutFlush() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.url.appendingPathComponent("server.log").path
        let logger = Self.logger(writingTo: path)
        logger.info("started")
        let deadline = ContinuousClock.now + .seconds(5)
        var text = ""
        while ContinuousClock.now < deadline {
            text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            if text.contains("started") { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(text.contains("crm.test: started"), "the log file holds: \(text)")
    }
}

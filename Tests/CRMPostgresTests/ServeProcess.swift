import CRMTestSupport
import Foundation

/// A `crm serve` child process on a free port.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    private let errorPipe = Pipe()
    private let exited = DispatchSemaphore(value: 0)

    /// Starts `crm serve --port 0 ARGUMENTS` and waits until it prints its port (never longer than 60 s).
    init(_ arguments: [String], environment: [String: String] = crmEnvironment()) throws {
        self.process.executableURL = try crmExecutable()
        self.process.arguments = ["serve", "--port", "0"] + arguments
        self.process.environment = environment
        let output = Pipe()
        self.process.standardOutput = output
        self.process.standardError = self.errorPipe
        self.process.standardInput = FileHandle.nullDevice
        let exited = self.exited
        self.process.terminationHandler = { _ in exited.signal() }
        try self.process.run()
        try? output.fileHandleForWriting.close()
        let reader = output.fileHandleForReading
        var text = ""
        let deadline = Date(timeIntervalSinceNow: 60)
        while !text.contains("\n"), Date() < deadline {
            let data = reader.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let found = text.range(of: #"http://127\.0\.0\.1:(\d+)"#, options: .regularExpression),
            let port = Int(text[found].split(separator: ":").last ?? "")
        else {
            self.process.terminate()
            throw ProgramFailed(description: "crm serve did not start: \(text)")
        }
        self.port = port
    }

    /// A client of this server.
    var api: SocketDriver { SocketDriver(port: self.port) }

    /// Stops the server (SIGTERM, then SIGKILL after 30 s) and waits for it.
    func stop() {
        guard self.process.isRunning else { return }
        self.process.terminate()
        if self.exited.wait(timeout: .now() + 30) == .timedOut {
            kill(self.process.processIdentifier, SIGKILL)
            self.exited.wait()
        }
        self.exited.signal()
    }

    deinit { self.stop() }
}

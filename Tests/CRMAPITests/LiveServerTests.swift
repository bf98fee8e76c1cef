import CRMAPI
import CRMDomain
import CRMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The API on real sockets: the background server of the shell (in process and in the `crm` binary) and
/// the headless `crm serve`.
@Suite("Live server", .serialized)
struct LiveServerTests {
    static let quiet = Logger(label: "crm.test") { _ in SwiftLogNoOpLogHandler() }

    /// Counts the HTTP requests a test sends.
    final class Tally: Sendable {
        private let count = Mutex(0)
        func add(_ n: Int = 1) { self.count.withLock { $0 += n } }
        var value: Int { self.count.withLock { $0 } }
    }

    @Test("BackgroundServer: hundreds of concurrent requests beside direct service calls, exact totals, clean stop")
    func backgroundServerUnderLoad() async throws {
        let world = try await APIWorld.make()
        let (server, api) = try await world.startServer()
        #expect(api.port > 0)
        let tally = Tally()

        // A second start is refused while it runs.
        await #expect(throws: ServerError.self) {
            _ = try await server.start(service: world.service, host: "127.0.0.1", port: 0, logger: Self.quiet)
        }

        let workers = 48
        let shellTickets = 32
        let contended = try await world.ticket("Contended")
        let contendedVersion = contended.version

        let (httpIDs, shellIDs, conditional) = try await withThrowingTaskGroup(
            of: (Int?, Int?, Int?).self, returning: ([Int], [Int], [Int]).self
        ) { group in
            // HTTP clients: create, move, note, edit with If-Match, read back.
            for worker in 0..<workers {
                group.addTask {
                    let created = try await api.post(
                        "/api/tickets/", #"{"customer_id": \#(worker % 2 + 1), "subject": "HTTP \#(worker)"}"#,
                        token: Token.agent)
                    tally.add()
                    try #require(created.status == 200, "\(created)")
                    let id = try #require(int(created.object?["id"]))
                    let moved = try await api.patch("/api/tickets/\(id)", #"{"status": "in_progress"}"#, token: Token.agent)
                    let noted = try await api.post("/api/notes/\(id)", #"{"text": "note \#(worker)"}"#, token: Token.agent)
                    let edited = try await api.patch(
                        "/api/tickets/\(id)", #"{"subject": "HTTP \#(worker) edited"}"#, token: Token.agent,
                        headers: [("If-Match", #""2""#)])
                    let read = try await api.get("/api/tickets/\(id)")
                    tally.add(4)
                    #expect(moved.status == 200, "\(moved)")
                    #expect(noted.status == 200, "\(noted)")
                    #expect(edited.status == 200, "\(edited)")
                    #expect(read.header("ETag") == #""3""#, "\(read)")
                    // Everyone races for the same version of one ticket: exactly one wins.
                    let race = try await api.patch(
                        "/api/tickets/\(contended.id)", #"{"subject": "won by \#(worker)"}"#, token: Token.agent,
                        headers: [("If-Match", "\"\(contendedVersion)\"")])
                    tally.add()
                    #expect([200, 412].contains(race.status), "\(race)")
                    return (id, nil, race.status)
                }
            }
            // The shell, at the same time, straight through the service.
            for index in 0..<shellTickets {
                group.addTask {
                    let ticket = try await world.service.createTicket(
                        NewTicket(customerID: CustomerID(index % 2 + 1), subject: "Shell \(index)"), by: world.agent)
                    _ = try await world.service.addNote(to: ticket.id, text: "shell note", by: world.agent)
                    _ = try await world.service.resolveTicket(ticket.id, by: world.agent)
                    return (nil, ticket.id.rawValue, nil)
                }
            }
            var http: [Int] = []
            var shell: [Int] = []
            var races: [Int] = []
            for try await (h, s, r) in group {
                if let h { http.append(h) }
                if let s { shell.append(s) }
                if let r { races.append(r) }
            }
            return (http, shell, races)
        }

        #expect(httpIDs.count == workers)
        #expect(shellIDs.count == shellTickets)
        #expect(Set(httpIDs + shellIDs + [contended.id.rawValue]).count == workers + shellTickets + 1, "IDs reused")
        #expect(conditional.filter { $0 == 200 }.count == 1, "If-Match race: \(conditional)")
        #expect(conditional.filter { $0 == 412 }.count == workers - 1)

        let tickets = try await world.tickets()
        #expect(tickets.count == workers + shellTickets + 1)
        #expect(tickets.map(\.id.rawValue) == Array(1...(workers + shellTickets + 1)))
        for id in httpIDs {
            let ticket = try #require(tickets.first { $0.id.rawValue == id })
            #expect(ticket.status == .inProgress && ticket.version == 3 && ticket.subject.hasSuffix("edited"))
            let notes = try await world.service.notes(on: ticket.id, by: world.admin)
            #expect(notes.count == 1 && notes[0].author == "agent")
        }
        for id in shellIDs {
            let ticket = try #require(tickets.first { $0.id.rawValue == id })
            #expect(ticket.status == .resolved && ticket.version == 2)
            #expect(try await world.service.notes(on: ticket.id, by: world.admin).count == 1)
        }
        let winner = try #require(tickets.first { $0.id == contended.id })
        #expect(winner.version == contendedVersion + 1 && winner.subject.hasPrefix("won by "))

        let events = try await world.auditEvents()
        #expect(events.filter { $0.via == .http }.count == workers * 4 + 1)
        #expect(events.filter { $0.via == .shell }.count == shellTickets * 3 + 1)
        #expect(events.map(\.id.rawValue) == Array(1...events.count), "audit IDs not sequential")
        let overHTTP = try await api.get("/api/audit?limit=1", token: Token.admin)
        tally.add()
        #expect(overHTTP.header("X-Total-Count") == String(events.count))

        let status = try #require(await server.status())
        #expect(status.address == "http://127.0.0.1:\(api.port)")
        #expect(status.requests == tally.value, "counted \(status.requests), sent \(tally.value)")

        #expect(await server.stop())
        #expect(await server.status() == nil)
        #expect(try await api.connectionRefused(), "still accepting connections after stop()")
        #expect(await server.stop() == false)

        // It can be started again, on the same data.
        let again = try await server.start(service: world.service, host: "127.0.0.1", port: 0, logger: Self.quiet)
        let reply = try await SocketDriver(address: again).get("/api/tickets?limit=1")
        #expect(reply.header("X-Total-Count") == String(workers + shellTickets + 1))
        #expect(await server.stop())
    }

    @Test("BackgroundServer: a port in use is a clear error")
    func backgroundServerPortInUse() async throws {
        let (fd, port) = try listeningSocket()
        defer { close(fd) }
        let world = try await APIWorld.make()
        let server = BackgroundServer()
        do {
            let address = try await server.start(service: world.service, host: "127.0.0.1", port: port, logger: Self.quiet)
            Issue.record("started on a port in use: \(address)")
            await server.stop()
        } catch let error as ServerError {
            #expect(error.description.contains("127.0.0.1:\(port)"), "\(error)")
            #expect(error.description.lowercased().contains("in use"), "\(error)")
        }
        #expect(await server.status() == nil)
    }

    @Test("crm shell: `server start --port 0` from piped stdin, prompt and HTTP on the same data")
    func shellBackgroundServer() async throws {
        // stdin is a pipe (script mode); stdout a pseudo-terminal, so results are line-buffered as at a prompt.
        let shell = try CRMProcess([], stdoutIsTerminal: true)
        defer { shell.killIfRunning() }
        let output = OutputCursor(shell.stdout)
        shell.send("login \(Token.agent)")
        #expect(try await output.awaitNext(#"logged in as agent"#) != nil, "\(shell.stdout.text) \(shell.stderr.text)")
        shell.send("server start --port 0")
        let started = try await output.awaitNext(#"serving (http://127\.0\.0\.1:(\d+)) \(log: ([^)]+)\)"#)
        let address = try #require(started?[1], "no address in: \(shell.stdout.text) \(shell.stderr.text)")
        // Server logs go to a file under the state directory, never over the prompt.
        #expect(started?[3].hasPrefix(shell.directory.path) == true, "\(started ?? [])")
        let api = try SocketDriver(address: address)
        let tally = Tally()

        try await withThrowingTaskGroup(of: Void.self) { group in
            // Load from many clients...
            for worker in 0..<40 {
                group.addTask {
                    for round in 0..<4 {
                        let reply: Reply
                        switch round {
                        case 0: reply = try await api.get("/health")
                        case 1: reply = try await api.get("/api/customers/1", token: Token.agent)
                        case 2:
                            reply = try await api.post(
                                "/api/tickets/", #"{"customer_id": 2, "subject": "load \#(worker)"}"#, token: Token.agent)
                        default: reply = try await api.get("/api/tickets/?customer_id=2")
                        }
                        tally.add()
                        #expect((200..<300).contains(reply.status), "\(reply)")
                    }
                }
            }
            // ...while the prompt works.
            group.addTask {
                for index in 1...5 {
                    shell.send("ticket create --customer 1 --subject \"From the prompt \(index)\"")
                    let created = try await output.awaitNext(#"created ticket (\d+)"#)
                    let id = try #require(created?[1], "\(shell.stdout.text) \(shell.stderr.text)")
                    // Seen over HTTP at once.
                    let reply = try await api.get("/api/tickets/\(id)")
                    tally.add()
                    #expect(reply.status == 200, "\(reply)")
                    #expect(reply.object?["subject"] as? String == "From the prompt \(index)")
                    // And the other way round.
                    let posted = try await api.post(
                        "/api/tickets/", #"{"customer_id": 1, "subject": "From HTTP \#(index)"}"#, token: Token.agent)
                    tally.add()
                    let httpID = try #require(int(posted.object?["id"]), "\(posted)")
                    shell.send("ticket show \(httpID)")
                    #expect(
                        try await output.awaitNext("From HTTP \(index)") != nil,
                        "ticket \(httpID) not shown: \(shell.stdout.text) \(shell.stderr.text)")
                }
            }
            try await group.waitForAll()
        }

        shell.send("server status")
        let status = try await output.awaitNext(#"serving (\S+), up \d+s, (\d+) requests served"#)
        #expect(status?[1] == address)
        #expect(status?[2] == String(tally.value), "\(shell.stdout.text)")

        shell.send("ticket list --customer 1 --limit 1000")
        shell.send("exit")
        let exit = try await shell.exitStatus(timeout: 60)
        #expect(exit == 0, "stdout: \(shell.stdout.text)\nstderr: \(shell.stderr.text)")
        #expect(shell.stderr.text.isEmpty, "\(shell.stderr.text)")
        #expect(try await api.connectionRefused(), "the server outlived `exit`")
        // One access-log line per request, written to the log file by `exit`, without the token.
        let log = try String(contentsOfFile: try #require(started?[3]), encoding: .utf8)
        let accessLines = log.split(separator: "\n").filter { $0.contains("request_id=") }
        #expect(accessLines.count == tally.value, "\(accessLines.count) lines for \(tally.value) requests")
        #expect(accessLines.contains { $0.contains("route=/api/customers/{id} status=200") && $0.hasSuffix("user=agent") })
        #expect(!log.contains(Token.agent), "token in the server log")
        let listed = shell.stdout.text
        #expect(!listed.contains("crm.server"), "log lines on stdout: \(listed)")
        for index in 1...5 { #expect(listed.contains("From the prompt \(index)")) }
    }

    @Test("crm serve --port 0: smoke.sh passes, SIGTERM exits 0")
    func serveAndSmoke() async throws {
        let (serve, address) = try await CRMProcess.serve()
        defer { serve.killIfRunning() }

        let script = packageRoot.appendingPathComponent("scripts/smoke.sh").path
        #expect(FileManager.default.isExecutableFile(atPath: script), "\(script) is not executable")
        let (status, output, errors) = try await run("/bin/bash", [script, address])
        #expect(status == 0, "smoke.sh failed:\n\(output)\n\(errors)")

        // The smoke test fails against a server that is not there.
        let (fd, port) = try listeningSocket()
        close(fd)
        let (deadStatus, _, deadErrors) = try await run("/bin/bash", [script, "http://127.0.0.1:\(port)"])
        #expect(deadStatus != 0)
        #expect(!deadErrors.isEmpty)

        kill(serve.process.processIdentifier, SIGTERM)
        let exit = try await serve.exitStatus(timeout: 30)
        #expect(exit == 0, "stderr: \(serve.stderr.text)")
        #expect(serve.process.terminationReason == .exit)
        #expect(try await SocketDriver(address: address).connectionRefused())
    }

    @Test("crm serve on a port in use: exit 2 and a clear error")
    func servePortInUse() async throws {
        let (fd, port) = try listeningSocket()
        defer { close(fd) }
        let serve = try CRMProcess(["serve", "--port", String(port)])
        defer { serve.killIfRunning() }
        let exit = try await serve.exitStatus(timeout: 30)
        #expect(exit == 2, "stdout: \(serve.stdout.text) stderr: \(serve.stderr.text)")
        _ = try await onThread { serve.stderr.waitForEnd(timeout: 10) }
        let errors = serve.stderr.text
        #expect(errors.hasPrefix("error: "), "\(errors)")
        #expect(errors.contains("127.0.0.1:\(port)"), "\(errors)")
        #expect(errors.lowercased().contains("address already in use"), "\(errors)")
        #expect(!serve.stdout.text.contains("listening"), "\(serve.stdout.text)")
    }
}

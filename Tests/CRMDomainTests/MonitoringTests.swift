import CRMDomain
import Testing

/// `CRMService.monitoring`: who may read the figures behind `GET /metrics`, and what a store without a pool reports.
@Suite("Monitoring")
struct MonitoringTests {
    @Test(
        "metrics.read is needed, except on the server's own machine",
        arguments: Who.allCases, [true, false])
    func access(who: Who, onLocalMachine: Bool) async throws {
        let world = try await World.make()
        let allowed = onLocalMachine || who == .admin
        let auditBefore = try await world.auditEvents()
        do {
            let snapshot = try world.service.monitoring(by: world.caller(who), onLocalMachine: onLocalMachine)
            #expect(allowed, "\(who) read the metrics from afar")
            #expect(snapshot.connectionPool == nil, "the in-memory store has no pool")
        } catch let error as CRMError {
            #expect(!allowed, "\(who) refused: \(error)")
            #expect(error.code == "forbidden")
            #expect(error.description.contains("metrics.read"), "\(error)")
        }
        // Reading the metrics records nothing.
        #expect(try await world.auditEvents() == auditBefore)
    }
}

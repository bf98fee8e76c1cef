import CRMAPI
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A port that cannot be bound is said in words: `cannot listen on 127.0.0.1:PORT: address already in use`, not
/// NIO's `bind(descriptor:ptr:bytes:): Address already in use (errno: 98)`.
@Suite("Listen failures")
struct ListenFailureTests {
    @Test func backgroundServerSaysAddressInUse() async throws {
        let (fd, port) = try listeningSocket()
        defer { close(fd) }
        let world = try await APIWorld.make()
        let server = BackgroundServer()
        await #expect {
            _ = try await server.start(service: world.service, host: "127.0.0.1", port: port, logger: LiveServerTests.quiet)
        } throws: { error in
            "\(error)" == "cannot listen on 127.0.0.1:\(port): address already in use"
        }
    }

    @Test func serveSaysAddressInUse() throws {
        let (fd, port) = try listeningSocket()
        defer { close(fd) }
        let serve = try CRMProcess(["serve", "--port", String(port)])
        defer { serve.killIfRunning() }
        #expect(serve.waitForExit() == 2)
        #expect(serve.stderr.text.contains("error: cannot listen on 127.0.0.1:\(port): address already in use\n"), "\(serve.stderr.text)")
    }
}

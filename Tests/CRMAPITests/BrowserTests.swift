import CRMTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The web page driven in a real headless Chromium (Tests/Browser/web_page.py, Selenium) against a real
/// `crm serve` on a SQLite file that the script also changes from the shell (`crm --db`).
@Suite("Web page in Chromium")
struct BrowserTests {
    /// What the browser tests need: Debian's `chromium`, `chromium-driver` and `python3-selenium`.
    static var missingTools: [String] {
        var missing = ["/usr/bin/chromium", "/usr/bin/chromedriver"].filter {
            !FileManager.default.isExecutableFile(atPath: $0)
        }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        probe.arguments = ["-c", "import selenium"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        if (try? probe.run()) == nil {
            missing.append("/usr/bin/python3")
        } else {
            probe.waitUntilExit()
            if probe.terminationStatus != 0 { missing.append("python3-selenium") }
        }
        return missing
    }

    /// scripts/test sets `CRM_REQUIRE_BROWSER=1` (after installing the packages): then missing tools fail the
    /// test instead of skipping it.
    static var required: Bool { ProcessInfo.processInfo.environment["CRM_REQUIRE_BROWSER"] == "1" }

    @Test(
        "log in, every tab's main action, errors, hostile text, shell changes, conflicts, keyboard, 400 px",
        .enabled(
            if: BrowserTests.required || BrowserTests.missingTools.isEmpty,
            "needs chromium, chromium-driver and python3-selenium (scripts/test installs them)"),
        .timeLimit(.minutes(10)))
    func drivesThePage() async throws {
        let missing = Self.missingTools
        try #require(missing.isEmpty, "CRM_REQUIRE_BROWSER=1 but missing: \(missing.joined(separator: ", "))")
        try await withTemporaryDirectory { directory in
            let database = directory.url.appendingPathComponent("crm.sqlite").path
            let screenshots = ProcessInfo.processInfo.environment["CRM_SCREENSHOT_DIR"]
                ?? directory.url.appendingPathComponent("screenshots").path

            let (serve, address) = try await CRMProcess.serve(["--db", database])
            defer { serve.killIfRunning() }

            let script = packageRoot.appendingPathComponent("Tests/Browser/web_page.py").path
            let (status, output, errors) = try await run(
                "/usr/bin/python3",
                [script, address, "--crm", try crmExecutable().path, "--db", database, "--screenshots", screenshots],
                timeout: 540)
            #expect(status == 0, "web_page.py failed:\n\(output)\n\(errors)\nserver: \(serve.stderr.text)")
        }
    }
}

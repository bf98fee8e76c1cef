import CLibEdit
import Foundation

/// Where the shell writes results and errors.
public protocol OutputSink: AnyObject {
    /// Writes result text to stdout.
    func write(output: String)
    /// Writes one error line to stderr (the text already carries its prefix).
    func write(error: String)
    /// Pushes buffered output out.
    func flush()
}

/// The process's stdout (buffered) and stderr; stdout is flushed before each error so the two interleave in order.
public final class StandardStreams: OutputSink {
    public init() {}

    public func write(output: String) {
        guard !output.isEmpty else { return }
        var text = output
        text.withUTF8 { bytes in _ = fwrite(bytes.baseAddress, 1, bytes.count, crm_stdout()) }
    }

    public func write(error: String) {
        fflush(crm_stdout())
        var text = error + "\n"
        text.withUTF8 { bytes in _ = fwrite(bytes.baseAddress, 1, bytes.count, crm_stderr()) }
    }

    /// Pushes buffered output out, e.g. before the process exits.
    public func flush() {
        fflush(crm_stdout())
    }
}

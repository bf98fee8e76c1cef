import CLibEdit
import Foundation

/// Whether everything written to stdout reached it (DESIGN §5.1: a failed write, e.g. to a full disk, is an error
/// with exit 1; a closed pipe still ends the process with SIGPIPE).
enum StandardOutputCheck {
    /// Flushes stdout; the reason writing failed, or nil when every write so far succeeded.
    static func failure() -> String? {
        let flushed = fflush(crm_stdout()) == 0
        let reason = errno
        guard !flushed || ferror(crm_stdout()) != 0 else { return nil }
        return String(cString: strerror(flushed ? EIO : reason))
    }
}

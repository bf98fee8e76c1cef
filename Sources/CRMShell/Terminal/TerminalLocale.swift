import Foundation

/// The character set libedit decodes keys with: the environment's locale when it is UTF-8, else `C.UTF-8`, so
/// that typed and pasted é, 日本語 or emoji arrive intact whatever `LANG` says (DESIGN §5.1).
enum TerminalLocale {
    /// Sets `LC_CTYPE` from the environment and falls back to `C.UTF-8` when that is not UTF-8.
    static func useUTF8() {
        setlocale(LC_CTYPE, "")
        if !self.isUTF8 {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
    }

    /// Whether the current `LC_CTYPE` decodes UTF-8.
    static var isUTF8: Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }
}

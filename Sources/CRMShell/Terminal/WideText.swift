import Foundation

/// Converts between Swift strings and the `wchar_t` text of libedit's wide-character interface. On the platforms
/// crm runs on, `wchar_t` holds one Unicode scalar value (UTF-32), so the conversion loses nothing.
enum WideText {
    /// The text of `count` wide characters at `characters`.
    static func string(_ characters: UnsafePointer<wchar_t>, count: Int) -> String {
        var text = String.UnicodeScalarView()
        for index in 0..<max(count, 0) {
            // The C library's UTF-8 decoder only yields valid scalar values; U+FFFD would mark a broken one.
            text.append(Unicode.Scalar(UInt32(bitPattern: characters[index])) ?? "\u{FFFD}")
        }
        return String(text)
    }

    /// A NUL-terminated copy of `text` as wide characters, owned by the caller (release with `deallocate()`).
    static func duplicate(_ text: String) -> UnsafeMutablePointer<wchar_t> {
        let scalars = Array(text.unicodeScalars)
        let buffer = UnsafeMutablePointer<wchar_t>.allocate(capacity: scalars.count + 1)
        for (index, scalar) in scalars.enumerated() { buffer[index] = wchar_t(bitPattern: scalar.value) }
        buffer[scalars.count] = 0
        return buffer
    }
}

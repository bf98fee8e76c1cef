/// Reads a decimal number as an exact integer, without floating point: `1`, `1.0`, `1e3` and `-0` are
/// integers, `1.5` and `1e-1` are not, and `1e400` is an integer too large for 64 bits.
enum ExactInteger {
    /// `nil` when `text` is not a JSON number with an integral value; `.some(nil)` when it is one but does not
    /// fit in an `Int`.
    static func parse(_ text: String) -> Int?? {
        let bytes = Array(text.utf8)
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var digits: [UInt8] = []
        var fractionDigits = 0
        func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        let integerStart = index
        while index < bytes.count, isDigit(bytes[index]) {
            digits.append(bytes[index] - UInt8(ascii: "0"))
            index += 1
        }
        let integerCount = index - integerStart
        guard integerCount > 0, !(integerCount > 1 && bytes[integerStart] == UInt8(ascii: "0")) else { return nil }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, isDigit(bytes[index]) {
                digits.append(bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
            fractionDigits = index - start
            guard fractionDigits > 0 else { return nil }
        }
        // The exponent is read saturating: only whether it is small matters.
        var exponent = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            var exponentNegative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            let start = index
            while index < bytes.count, isDigit(bytes[index]) {
                exponent = min(exponent * 10 + Int(bytes[index] - UInt8(ascii: "0")), 1_000_000)
                index += 1
            }
            guard index > start else { return nil }
            if exponentNegative { exponent = -exponent }
        }
        guard index == bytes.count else { return nil }
        // value = digits × 10^(exponent − fractionDigits)
        digits = Array(digits.drop { $0 == 0 })
        if digits.isEmpty { return .some(0) }
        var scale = exponent - fractionDigits
        while scale < 0, digits.last == 0 {
            digits.removeLast()
            scale += 1
        }
        guard scale >= 0 else { return nil }
        guard digits.count + scale <= 19 else { return .some(nil) }
        digits += Array(repeating: 0, count: scale)
        var magnitude: UInt64 = 0
        for digit in digits { magnitude = magnitude * 10 + UInt64(digit) }
        if negative {
            guard magnitude <= UInt64(Int.max) + 1 else { return .some(nil) }
            return .some(magnitude == UInt64(Int.max) + 1 ? Int.min : -Int(magnitude))
        }
        guard magnitude <= UInt64(Int.max) else { return .some(nil) }
        return .some(Int(magnitude))
    }
}

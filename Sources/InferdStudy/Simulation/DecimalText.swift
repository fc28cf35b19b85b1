import Foundation

/// Decimal numbers read from bytes, for the trace reader: plain `123.456` (what traces hold) directly,
/// anything else (exponents, signs, `inf`) through `strtod`. Both give the same correctly rounded value.
enum DecimalText {
    /// Exact powers of ten as doubles (10^0 ... 10^22 are exactly representable).
    private static let powers: [Double] = (0...22).map { pow(10, Double($0)) }

    /// The number in `bytes[range]`, `nil` when the whole range is not one.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        guard !range.isEmpty, range.count < 64 else { return nil }
        // Clinger's fast path: an integer mantissa below 2^53 and at most 22 decimals is exact, and so is
        // 10^decimals; one division of two exact doubles is correctly rounded, as strtod is.
        var mantissa: UInt64 = 0
        var digits = 0
        var decimals = 0
        var point = false
        var plain = true
        for index in range {
            let byte = bytes[index]
            if byte >= 48 && byte <= 57 {
                guard digits < 19 else { plain = false; break }
                mantissa = mantissa * 10 + UInt64(byte - 48)
                digits += 1
                if point { decimals += 1 }
            } else if byte == UInt8(ascii: "."), !point {
                point = true
            } else {
                plain = false
                break
            }
        }
        if plain, digits > 0, mantissa <= 1 << 53, decimals <= 22 {
            return Double(mantissa) / powers[decimals]
        }
        return strtod(bytes, range)
    }

    /// `strtod` on a terminated copy of `bytes[range]`.
    private static func strtod(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        var buffer = [CChar](repeating: 0, count: range.count + 1)
        for (offset, index) in range.enumerated() { buffer[offset] = CChar(bitPattern: bytes[index]) }
        return buffer.withUnsafeBufferPointer { pointer -> Double? in
            var end: UnsafeMutablePointer<CChar>?
            let value = Foundation.strtod(pointer.baseAddress!, &end)
            guard let end, end == UnsafeMutablePointer(mutating: pointer.baseAddress! + range.count) else { return nil }
            return value
        }
    }
}

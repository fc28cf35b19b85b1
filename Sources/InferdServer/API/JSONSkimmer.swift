import InferdWire

/// Walks JSON text without building values: finds where a value starts and ends, reads object keys,
/// and reads a numeric array straight into bytes. Used to take the big `data` arrays out of an
/// `/infer` body before the rest is decoded with `Codable`, so a 60 MB JSON tensor never becomes
/// millions of boxed Swift values.
///
/// Nesting is bounded (``maxDepth``); anything malformed is a `.badRequest` naming the offset.
struct JSONSkimmer {
    let bytes: UnsafeRawBufferPointer
    /// The offset of the next byte to read.
    var offset = 0

    /// Deeper nesting than this is refused (a 4-D tensor needs 5 levels).
    static let maxDepth = 64

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    func fail(_ what: String) -> InferdError {
        InferdError(.badRequest, "inference request: invalid JSON at byte \(offset): \(what)")
    }

    mutating func skipSpace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }

    /// The next byte after white space, without consuming it.
    mutating func peek() throws(InferdError) -> UInt8 {
        skipSpace()
        guard offset < bytes.count else { throw fail("unexpected end") }
        return bytes[offset]
    }

    mutating func expect(_ byte: UInt8) throws(InferdError) {
        guard try peek() == byte else { throw fail("expected '\(Character(Unicode.Scalar(byte)))'") }
        offset += 1
    }

    /// Consumes `separator` or `close` after a member; returns true at `close`.
    mutating func endOrComma(_ close: UInt8) throws(InferdError) -> Bool {
        let byte = try peek()
        offset += 1
        if byte == close { return true }
        guard byte == UInt8(ascii: ",") else { throw fail("expected ',' or '\(Character(Unicode.Scalar(close)))'") }
        return false
    }

    /// Reads a string (an object key); escapes other than `\"` and `\\` are kept as written, which
    /// is enough to compare keys with plain ASCII names.
    mutating func string() throws(InferdError) -> String {
        try expect(UInt8(ascii: "\""))
        var utf8: [UInt8] = []
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard offset < bytes.count else { throw fail("unterminated string") }
                utf8.append(bytes[offset])
                offset += 1
            default: utf8.append(byte)
            }
        }
        throw fail("unterminated string")
    }

    /// Skips one value of any kind; returns the range it occupied.
    @discardableResult
    mutating func skipValue(depth: Int = 0) throws(InferdError) -> Range<Int> {
        guard depth < Self.maxDepth else { throw fail("nested too deeply") }
        let start = (try? peek()).map { _ in offset } ?? offset
        switch try peek() {
        case UInt8(ascii: "{"):
            offset += 1
            if try peek() == UInt8(ascii: "}") { offset += 1; break }
            repeat {
                _ = try string()
                try expect(UInt8(ascii: ":"))
                try skipValue(depth: depth + 1)
            } while try !endOrComma(UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            offset += 1
            if try peek() == UInt8(ascii: "]") { offset += 1; break }
            repeat {
                try skipValue(depth: depth + 1)
            } while try !endOrComma(UInt8(ascii: "]"))
        case UInt8(ascii: "\""):
            _ = try string()
        default:
            // A number or a literal: up to the next delimiter.
            while offset < bytes.count {
                switch bytes[offset] {
                case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), 0x20, 0x09, 0x0A, 0x0D: return start..<offset
                default: offset += 1
                }
            }
        }
        return start..<offset
    }

    /// Reads the numbers of a (possibly nested) array in `range` into `output`, row-major: each must be
    /// an integer 0...255 (`7`, `7.0` and `7e0` alike). Returns how many were read; stops with an
    /// error past `output.count`.
    static func readUInt8Array(_ bytes: UnsafeRawBufferPointer, range: Range<Int>, into output: UnsafeMutableBufferPointer<UInt8>,
                               input: String) throws(InferdError) -> Int {
        var count = 0
        var index = range.lowerBound
        var depth = 0
        while index < range.upperBound {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "["): depth += 1; index += 1
            case UInt8(ascii: "]"): depth -= 1; index += 1
            case UInt8(ascii: ","), 0x20, 0x09, 0x0A, 0x0D: index += 1
            default:
                guard depth > 0 else { throw InferdError(.badRequest, "input \(input): data must be an array of numbers") }
                let start = index
                var value = 0
                var plain = true
                while index < range.upperBound {
                    let digit = bytes[index]
                    if digit >= 0x30 && digit <= 0x39 {
                        value = value * 10 + Int(digit - 0x30)
                        if value > 255 { plain = false }
                    } else if digit == UInt8(ascii: ",") || digit == UInt8(ascii: "]") || digit == 0x20 || digit == 0x0A || digit == 0x0D || digit == 0x09 {
                        break
                    } else {
                        plain = false
                    }
                    index += 1
                }
                if !plain {
                    // Rare forms (7.0, 7e0, -0) and out-of-range values: parse the token as a number.
                    let token = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    guard let number = Double(token), number >= 0, number <= 255, number == number.rounded() else {
                        throw InferdError(.badRequest, "input \(input): element \(count) is \(token), not a UINT8 (0...255)")
                    }
                    value = Int(number)
                }
                guard count < output.count else {
                    throw InferdError(.badRequest, "input \(input): data has more elements than its shape declares (\(output.count))")
                }
                output[count] = UInt8(value)
                count += 1
            }
        }
        return count
    }
}

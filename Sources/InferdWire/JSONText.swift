/// JSON text written straight into bytes, for the answers on the inference path.
///
/// Foundation's `JSONEncoder` costs about 0.15 ms for the few hundred bytes of an `/infer` answer's
/// header on this project's hosts (measured in the daemon, 2026-12-03) and a good part of a
/// millisecond for a thousand probabilities: more than everything else inferd does around an
/// inference. A writer that knows its type's keys in order needs neither reflection nor a keyed
/// container. Its output is what the API's `JSONEncoder` (sorted keys, slashes unescaped, non-finite
/// numbers as the strings `"inf"`, `"-inf"` and `"nan"`) writes for the same value, byte for byte;
/// the tests hold the two side by side.
public struct JSONText: Sendable {
    /// The text so far (UTF-8).
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// Writes `text` as is: punctuation and keys known to need no escaping.
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Writes `"key":` for a key known to need no escaping.
    public mutating func key(_ name: StaticString) {
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// Writes `value` as a JSON string: `"` and `\` escaped, control characters as `\b \f \n \r \t`
    /// or `\u00XX`, everything else (slashes and non-ASCII included) as its UTF-8.
    public mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            case UInt8(ascii: "\n"): raw("\\n")
            case UInt8(ascii: "\r"): raw("\\r")
            case UInt8(ascii: "\t"): raw("\\t")
            case 0..<0x20:
                raw("\\u00")
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    public mutating func integer(_ value: Int64) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// Writes a finite number in its shortest round-trip form without a trailing `.0` (`3`, `0.25`,
    /// `1e-05`); a non-finite one as the string `"inf"`, `"-inf"` or `"nan"`.
    public mutating func number(_ value: Double) {
        guard value.isFinite else { return nonFinite(value.isNaN, negative: value < 0) }
        append(shortest: value.description)
    }

    /// ``number(_:)-(Double)`` for a `Float`, in the float's own shortest form (`0.1`, not `0.100000001`).
    public mutating func number(_ value: Float) {
        guard value.isFinite else { return nonFinite(value.isNaN, negative: value < 0) }
        append(shortest: value.description)
    }

    /// Writes `[a,b,...]`.
    public mutating func array<Element>(_ elements: [Element], _ write: (inout JSONText, Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            write(&self, element)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    private mutating func append(shortest text: String) {
        var utf8 = Substring(text).utf8
        if utf8.count > 2, utf8.hasSuffix(".0".utf8) { utf8.removeLast(2) }
        bytes.append(contentsOf: utf8)
    }

    private mutating func nonFinite(_ isNaN: Bool, negative: Bool) {
        if isNaN { raw("\"nan\"") } else if negative { raw("\"-inf\"") } else { raw("\"inf\"") }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}

private extension Substring.UTF8View {
    func hasSuffix(_ suffix: String.UTF8View) -> Bool {
        count >= suffix.count && self[index(endIndex, offsetBy: -suffix.count)...].elementsEqual(suffix)
    }
}

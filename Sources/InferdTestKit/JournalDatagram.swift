/// Parses one datagram of journald's native protocol (what `sd_journal_sendv` and
/// `JournalSocketWriter` send): `NAME=value\n`, or `NAME\n` + 64-bit little-endian length + value +
/// `\n` for values that hold newlines. A stub journal uses it to check what a daemon logged.
public enum JournalDatagram {
    /// The fields in order (a name may repeat). nil when the bytes do not follow the protocol.
    public static func parse(_ bytes: [UInt8]) -> [(name: String, value: String)]? {
        var fields: [(String, String)] = []
        var index = 0
        while index < bytes.count {
            guard let end = bytes[index...].firstIndex(where: { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "\n") }) else { return nil }
            let name = String(decoding: bytes[index..<end], as: UTF8.self)
            if bytes[end] == UInt8(ascii: "=") {
                guard let newline = bytes[(end + 1)...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
                fields.append((name, String(decoding: bytes[(end + 1)..<newline], as: UTF8.self)))
                index = newline + 1
            } else {
                let lengthStart = end + 1
                guard lengthStart + 8 <= bytes.count else { return nil }
                var length: UInt64 = 0
                for (shift, byte) in bytes[lengthStart..<(lengthStart + 8)].enumerated() { length |= UInt64(byte) << (8 * UInt64(shift)) }
                let valueStart = lengthStart + 8
                let valueEnd = valueStart + Int(length)
                guard valueEnd < bytes.count, bytes[valueEnd] == UInt8(ascii: "\n") else { return nil }
                fields.append((name, String(decoding: bytes[valueStart..<valueEnd], as: UTF8.self)))
                index = valueEnd + 1
            }
        }
        return fields
    }

    /// The fields as a dictionary (the last value of a repeated name wins).
    public static func dictionary(_ bytes: [UInt8]) -> [String: String]? {
        parse(bytes).map { Dictionary($0.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }) }
    }
}

import Foundation

/// The JSON encoder and decoder the client uses (the API's types carry their own snake_case keys).
enum JSONCoding {
    /// Decodes `type` from the bytes of a body.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try JSONDecoder().decode(type, from: Data(bytes))
    }

    /// Encodes `value` compactly with sorted keys.
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return [UInt8](try encoder.encode(value))
    }
}

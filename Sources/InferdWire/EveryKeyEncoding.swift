/// Encodes every stored property that has a coding key, `null` for a `nil` optional, so an API answer
/// has the same keys in every state (synthesized `Encodable` drops `nil` keys, and clients then cannot
/// tell "unknown" from "not supported", nor validate against a schema with required keys).
///
/// A type opts in with `CodingKeys: CaseIterable` and
/// `public func encode(to encoder: Encoder) throws { try encodeEveryKey(to: encoder, keys: CodingKeys.self) }`.
/// Properties are matched to keys by their Swift names (a key's case name), so a property added later
/// is encoded without touching the encoder.
extension Encodable {
    /// Writes each property of `self` whose name is a case of `keys`, in `keys` order.
    ///
    /// - Throws: what encoding a property value throws.
    public func encodeEveryKey<Keys: CodingKey & CaseIterable>(to encoder: any Encoder, keys: Keys.Type) throws {
        var container = encoder.container(keyedBy: Keys.self)
        var values: [String: Any] = [:]
        for child in Mirror(reflecting: self).children {
            if let label = child.label { values[label] = child.value }
        }
        for key in Keys.allCases {
            guard let value = values[String(describing: key)] else { continue }
            // A nil optional may not cast to Encodable (the cast looks through the optional): null.
            if let encodable = value as? any Encodable {
                try container.encode(encodable, forKey: key)
            } else {
                try container.encodeNil(forKey: key)
            }
        }
    }
}

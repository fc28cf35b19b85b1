import InferdWire

/// Reads the JSON of an `/infer` request (its `data` arrays already taken out) in one pass, for the
/// forms clients send: plain strings, integer shapes, `parameters` of booleans, integers and plain
/// strings. Anything else — an escape in a string, a fractional or exponent number, a `null` other
/// than a taken-out `data`, a repeated key, malformed text — makes it give up (nil), and the caller
/// decodes with `Codable`, which also words the error for bad input. So it never accepts or refuses
/// a request `Codable` would treat otherwise; the tests hold the two side by side.
///
/// Why: `JSONDecoder` takes about 0.13 ms for the few hundred bytes of a typical header (measured in
/// the daemon on this project's 2-vCPU hosts, 2026-12-03), more than a tenth of what inferd adds to an
/// inference; this reader takes a few microseconds.
struct InferenceHeaderReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    /// Reads `json` as an ``OpenInference/InferenceRequest``, or nil to let `Codable` decide.
    static func read(_ json: UnsafeRawBufferPointer) -> OpenInference.InferenceRequest? {
        var reader = InferenceHeaderReader(bytes: json)
        guard let request = reader.request() else { return nil }
        reader.skipSpace()
        return reader.offset == json.count ? request : nil
    }

    private init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    private mutating func request() -> OpenInference.InferenceRequest? {
        var id: String?, parameters: [String: OpenInference.Parameter]?
        var inputs: [OpenInference.RequestInput]?, outputs: [OpenInference.RequestOutput]?
        let complete = object { reader, key in
            switch key {
            case "id": guard id == nil, let value = reader.string() else { return false }; id = value
            case "parameters": guard parameters == nil, let value = reader.parameters() else { return false }; parameters = value
            case "inputs": guard inputs == nil, let value = reader.array({ $0.input() }) else { return false }; inputs = value
            case "outputs": guard outputs == nil, let value = reader.array({ $0.output() }) else { return false }; outputs = value
            default: return false
            }
            return true
        }
        guard complete, let inputs else { return nil }
        return OpenInference.InferenceRequest(id: id, parameters: parameters, inputs: inputs, outputs: outputs)
    }

    private mutating func input() -> OpenInference.RequestInput? {
        var name: String?, shape: [Int64]?, datatype: String?, parameters: [String: OpenInference.Parameter]?
        var sawData = false
        let complete = object { reader, key in
            switch key {
            case "name": guard name == nil, let value = reader.string() else { return false }; name = value
            case "shape": guard shape == nil, let value = reader.array({ $0.integer() }) else { return false }; shape = value
            case "datatype": guard datatype == nil, let value = reader.string() else { return false }; datatype = value
            case "parameters": guard parameters == nil, let value = reader.parameters() else { return false }; parameters = value
            case "data": guard !sawData, reader.literal("null") else { return false }; sawData = true
            default: return false
            }
            return true
        }
        guard complete, let name, let shape, let datatype else { return nil }
        return OpenInference.RequestInput(name: name, shape: shape, datatype: datatype, parameters: parameters)
    }

    private mutating func output() -> OpenInference.RequestOutput? {
        var name: String?, parameters: [String: OpenInference.Parameter]?
        let complete = object { reader, key in
            switch key {
            case "name": guard name == nil, let value = reader.string() else { return false }; name = value
            case "parameters": guard parameters == nil, let value = reader.parameters() else { return false }; parameters = value
            default: return false
            }
            return true
        }
        guard complete, let name else { return nil }
        return OpenInference.RequestOutput(name: name, parameters: parameters)
    }

    private mutating func parameters() -> [String: OpenInference.Parameter]? {
        var parameters: [String: OpenInference.Parameter] = [:]
        let complete = object { reader, key in
            guard parameters[key] == nil, let value = reader.parameter() else { return false }
            parameters[key] = value
            return true
        }
        return complete ? parameters : nil
    }

    private mutating func parameter() -> OpenInference.Parameter? {
        switch peek() {
        case UInt8(ascii: "\""): string().map { .string($0) }
        case UInt8(ascii: "t"): literal("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): literal("false") ? .bool(false) : nil
        default: integer().map { .int($0) }
        }
    }

    // MARK: Tokens

    /// `{ "key": value, ... }`, `member` reading each value; false when it or the text gives up.
    private mutating func object(_ member: (inout InferenceHeaderReader, String) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return true }
        repeat {
            guard let key = string(), take(UInt8(ascii: ":")), member(&self, key) else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}"))
    }

    private mutating func array<T>(_ element: (inout InferenceHeaderReader) -> T?) -> [T]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var elements: [T] = []
        if take(UInt8(ascii: "]")) { return elements }
        repeat {
            guard let value = element(&self) else { return nil }
            elements.append(value)
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? elements : nil
    }

    /// A string without escapes or control characters.
    private mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = offset
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                defer { offset += 1 }
                return String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            offset += 1
        }
        return nil
    }

    /// An integer written plainly (`-12`, `150528`): no fraction, exponent or leading zeros.
    private mutating func integer() -> Int64? {
        skipSpace()
        let start = offset
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        let digits = offset
        while offset < bytes.count, bytes[offset] >= 0x30, bytes[offset] <= 0x39 { offset += 1 }
        guard offset > digits, offset - digits == 1 || bytes[digits] != 0x30 else { return nil }
        if offset < bytes.count {
            switch bytes[offset] {
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): return nil
            default: break
            }
        }
        return Int64(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self))
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        skipSpace()
        let count = word.utf8CodeUnitCount
        guard offset + count <= bytes.count,
              word.withUTF8Buffer({ $0.elementsEqual(bytes[offset..<offset + count]) }) else { return false }
        offset += count
        // A word must end there (`nullx` is not `null`).
        if offset < bytes.count, (bytes[offset] | 0x20) >= UInt8(ascii: "a"), (bytes[offset] | 0x20) <= UInt8(ascii: "z") { return false }
        return true
    }

    private mutating func peek() -> UInt8? {
        skipSpace()
        return offset < bytes.count ? bytes[offset] : nil
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        offset += 1
        return true
    }

    mutating func skipSpace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }
}

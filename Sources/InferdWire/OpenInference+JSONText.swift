/// The inference answer written with ``JSONText``: what the server sends for every `/infer`, so it
/// skips `JSONEncoder` (see ``JSONText`` for why). Keys in sorted order, as the API's encoder writes
/// them; absent optionals are left out, as `encodeIfPresent` leaves them.
extension OpenInference.InferenceResponse {
    /// This answer as JSON text, the same bytes the API's `JSONEncoder` writes.
    public var jsonText: [UInt8] {
        var text = JSONText(capacity: 320 + outputs.reduce(0) { $0 + 12 * ($1.data?.count ?? 0) })
        text.raw("{")
        if let id {
            text.key("id")
            text.string(id)
            text.raw(",")
        }
        text.key("model_name")
        text.string(modelName)
        if let modelVersion {
            text.raw(",")
            text.key("model_version")
            text.string(modelVersion)
        }
        text.raw(",")
        text.key("outputs")
        text.array(outputs) { text, output in output.write(to: &text) }
        if let parameters {
            text.raw(",")
            text.key("parameters")
            OpenInference.Parameter.write(parameters, to: &text)
        }
        text.raw("}")
        return text.bytes
    }
}

extension OpenInference.ResponseOutput {
    func write(to text: inout JSONText) {
        text.raw("{")
        if let strings {
            text.key("data")
            text.array(strings) { text, string in text.string(string) }
            text.raw(",")
        } else if let data {
            text.key("data")
            text.array(data) { text, value in text.number(value) }
            text.raw(",")
        }
        text.key("datatype")
        text.string(datatype)
        text.raw(",")
        text.key("name")
        text.string(name)
        if let parameters {
            text.raw(",")
            text.key("parameters")
            OpenInference.Parameter.write(parameters, to: &text)
        }
        text.raw(",")
        text.key("shape")
        text.array(shape) { text, dimension in text.integer(dimension) }
        text.raw("}")
    }
}

extension OpenInference.Parameter {
    /// A `parameters` object, its keys sorted.
    static func write(_ parameters: [String: Self], to text: inout JSONText) {
        text.raw("{")
        for (index, (name, value)) in parameters.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { text.raw(",") }
            text.string(name)
            text.raw(":")
            value.write(to: &text)
        }
        text.raw("}")
    }

    func write(to text: inout JSONText) {
        switch self {
        case .bool(let value): text.bool(value)
        case .int(let value): text.integer(value)
        case .double(let value): text.number(value)
        case .string(let value): text.string(value)
        }
    }
}

/// A `DecodingError` in words a person can act on: which field of the answer, and what was wrong
/// with it (`field "outputs[0].shape": expected an array, found null`), instead of the coding path's
/// debug dump.
enum DecodingErrorText {
    /// `error` described by field; other errors as they print.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .keyNotFound(let key, let context):
            return "required field \"\(path(context.codingPath + [key]))\" is missing"
        case .valueNotFound(let type, let context):
            return "field \"\(path(context.codingPath))\": expected \(name(of: type)), found null"
        case .typeMismatch(let type, let context):
            return "field \"\(path(context.codingPath))\": expected \(name(of: type)) — \(context.debugDescription)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON (\(context.debugDescription))"
                                              : "field \"\(path(context.codingPath))\": \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// `outputs[0].shape` for a coding path.
    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text.isEmpty ? "(top level)" : text
    }

    private static func name(of type: Any.Type) -> String {
        let text = "\(type)"
        if text.hasPrefix("Array") { return "an array" }
        if text.hasPrefix("Dictionary") { return "an object" }
        switch text {
        case "String": return "a string"
        case "Bool": return "a boolean"
        case "Int", "Int64", "Double", "Float": return "a number"
        default: return text
        }
    }
}

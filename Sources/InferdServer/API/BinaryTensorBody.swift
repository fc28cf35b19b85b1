import InferdWire
import NIOCore

/// The Open Inference binary tensor extension: a body is a JSON header of
/// `Inference-Header-Content-Length` bytes followed by raw tensor bytes, each tensor taking the
/// `binary_data_size` its JSON entry declares, in order.
enum BinaryTensorBody {
    /// The header name, for requests and responses.
    static let headerLengthField = "Inference-Header-Content-Length"

    /// The value of ``headerLengthField`` as a byte count: a decimal integer, with optional spaces or
    /// tabs around it (HTTP's optional white space). Nil when it is not one.
    static func headerLength(_ value: String) -> Int? {
        var utf8 = Substring(value).utf8
        while let first = utf8.first, first == 0x20 || first == 0x09 { utf8.removeFirst() }
        while let last = utf8.last, last == 0x20 || last == 0x09 { utf8.removeLast() }
        return Int(Substring(utf8))
    }
}

import InferdWire
import NIOCore

/// The Open Inference binary tensor extension: a body is a JSON header of
/// `Inference-Header-Content-Length` bytes followed by raw tensor bytes, each tensor taking the
/// `binary_data_size` its JSON entry declares, in order.
enum BinaryTensorBody {
    /// The header name, for requests and responses.
    static let headerLengthField = "Inference-Header-Content-Length"
}

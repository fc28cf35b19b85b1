/// Why an image cannot be turned into the tensor a model's metadata asks for. Callers switch on
/// ``code``; people read ``message``, which names what the metadata says.
public struct TensorPreparationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem it is.
    public enum Code: String, Sendable, Equatable {
        /// The metadata lists no input.
        case noInput
        /// The first input's datatype is neither `UINT8` nor `FP32`.
        case unsupportedDatatype
        /// The first input's shape is not `[1,H,W,3]`, `[1,3,H,W]` or `[1,-1,-1,3]` (or `-1` batch).
        case unsupportedShape
        /// The `layout`, `color`, `normalize` or `crop_short_side` parameter says something not understood.
        case unsupportedParameter
        /// An `FP32` input, and neither a setting, the metadata nor a local bundle says how to normalise it.
        case unknownNormalization
    }

    public let code: Code
    public let message: String
    public var description: String { message }

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

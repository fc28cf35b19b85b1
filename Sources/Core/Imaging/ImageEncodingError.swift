/// Why pixels could not be encoded (the encoder refused the parameters or ran out of memory).
public struct ImageEncodingError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable, Equatable {
        /// A parameter is out of range (quality outside 1...100).
        case invalidParameter
        /// The encoder itself failed; the message carries its reason.
        case encoderFailed
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

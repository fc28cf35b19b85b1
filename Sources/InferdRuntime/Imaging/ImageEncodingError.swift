/// Why pixels could not be encoded (the encoder refused the parameters or ran out of memory).
public struct ImageEncodingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure it is, for callers that switch on it.
    public enum Code: String, Sendable, Equatable {
        /// A parameter is out of range (quality outside 1...100).
        case invalidParameter
        /// The encoder itself failed; the message carries its reason.
        case encoderFailed
    }

    /// See ``Code``.
    public let code: Code
    /// What went wrong, for people.
    public let message: String

    /// An error of kind `code` with a message for people.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

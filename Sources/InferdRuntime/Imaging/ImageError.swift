/// Why an image could not be decoded. Every bad input becomes one of these, never a crash.
public struct ImageError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable, Equatable {
        /// Zero bytes.
        case empty
        /// Neither JPEG nor PNG (HTTP 415).
        case unsupportedFormat
        /// A JPEG or PNG whose data is truncated or corrupt (HTTP 400).
        case corrupt
        /// The header declares more pixels than the configured limit; refused before allocating (HTTP 413).
        case tooLarge
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

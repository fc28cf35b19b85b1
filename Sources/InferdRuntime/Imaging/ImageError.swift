import InferdWire

/// Why an image could not be decoded. Every bad input becomes one of these, never a crash.
public typealias ImageError = CodedError<ImageErrorCode>

/// The kinds of ``ImageError`` (`ImageError.Code`).
public enum ImageErrorCode: String, Sendable, Hashable {
    /// Zero bytes.
    case empty
    /// Neither JPEG nor PNG (HTTP 415).
    case unsupportedFormat
    /// A JPEG or PNG whose data is truncated or corrupt (HTTP 400).
    case corrupt
    /// The header declares more pixels than the configured limit; refused before allocating (HTTP 413).
    case tooLarge
    /// Decoding did not finish before the request's deadline, or the image is too costly to decode
    /// (a progressive JPEG with too many scans) (HTTP 413).
    case tooCostly
}

/// A configuration value inferd cannot use. Reported at start, with the setting and the fix.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable, Equatable {
        case invalidValue, unreadableFile, invalidFile
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

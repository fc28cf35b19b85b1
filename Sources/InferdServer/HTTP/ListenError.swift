/// Why the API server could not start listening.
public struct ListenError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable, Equatable {
        /// Another process accepts connections on the socket path (a live daemon).
        case inUse
        /// Something other than a socket exists at the path.
        case notASocket
        /// The path is too long for a Unix socket address (108 bytes on Linux).
        case pathTooLong
        /// The socket or its directory belongs to another user, or the directory may be written by
        /// others (see ``SocketTrust``).
        case untrusted
        /// The socket could not be created, bound or set up (permissions, missing directory, …).
        case cannotListen
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

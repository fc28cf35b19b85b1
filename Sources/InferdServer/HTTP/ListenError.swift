import InferdWire

/// Why the API server could not start listening.
public typealias ListenError = CodedError<ListenErrorCode>

/// The kinds of ``ListenError`` (`ListenError.Code`).
public enum ListenErrorCode: String, Sendable, Hashable {
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

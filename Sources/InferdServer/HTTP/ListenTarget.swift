/// Where the API server listens.
public enum ListenTarget: Sendable, Equatable, CustomStringConvertible {
    /// A Unix socket file the server creates (mode 0660), replacing a stale one and refusing a live one.
    case unixPath(String)
    /// An already bound and listening socket handed over by the parent, e.g. systemd socket
    /// activation (`LISTEN_FDS`). The server neither creates nor removes any file for it.
    case inheritedFD(Int32)

    public var description: String {
        switch self {
        case .unixPath(let path): path
        case .inheritedFD(let fd): "inherited socket fd \(fd)"
        }
    }
}

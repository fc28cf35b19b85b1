import InferdWire

/// Where the API server listens.
public enum ListenTarget: Sendable, Equatable, CustomStringConvertible {
    /// A Unix socket file the server creates (mode 0660), replacing a stale one and refusing a live one.
    case unixPath(String)
    /// An already bound and listening socket handed over by the parent, e.g. systemd socket
    /// activation (`LISTEN_FDS`). The server neither creates nor removes any file for it.
    case inheritedFD(Int32)
    /// A TCP address (`tcp://127.0.0.1:8080`): the same API for other hosts, the "cloud" side of
    /// offloading. Port 0 picks a free port (see ``HTTPServer/boundAddress``). Admin routes need the
    /// admin token here; peer credentials do not exist on TCP.
    case tcp(host: String, port: Int)

    /// Parses a `--listen` value: `tcp://HOST:PORT`, `tcp://[IPv6]:PORT`, `tcp://:PORT` or a bare
    /// `PORT` (both mean loopback, 127.0.0.1), or `unix:/path`.
    ///
    /// - Throws: ``ListenError`` `.cannotListen` naming what is wrong and the accepted forms.
    public static func parse(_ text: String) throws(ListenError) -> ListenTarget {
        let forms = "use tcp://HOST:PORT (tcp://127.0.0.1:8080, tcp://[::1]:8080, tcp://:8080 for loopback) or unix:/path"
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst("unix:".count))
            guard path.hasPrefix("/") else { throw ListenError(.cannotListen, "listen address \"\(text)\": the socket path must be absolute; \(forms)") }
            return .unixPath(path)
        }
        var rest = Substring(text)
        if rest.hasPrefix("tcp://") {
            rest = rest.dropFirst("tcp://".count)
        } else if rest.contains("://") {
            throw ListenError(.cannotListen, "listen address \"\(text)\": only tcp:// and unix: are served (no TLS: put a TLS proxy in front); \(forms)")
        } else if Int(rest) == nil {
            throw ListenError(.cannotListen, "listen address \"\(text)\" is not understood; \(forms)")
        } else {
            rest = ":" + rest
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        let host: Substring
        let portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].hasPrefix(":") else {
                throw ListenError(.cannotListen, "listen address \"\(text)\": an IPv6 address needs [brackets] and a port; \(forms)")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            portText = rest[rest.index(close, offsetBy: 2)...]
        } else {
            guard let colon = rest.lastIndex(of: ":") else {
                throw ListenError(.cannotListen, "listen address \"\(text)\" has no port; \(forms)")
            }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw ListenError(.cannotListen, "listen address \"\(text)\": port \"\(portText)\" is not 0-65535; \(forms)")
        }
        return .tcp(host: host.isEmpty ? "127.0.0.1" : String(host), port: port)
    }

    /// True for a TCP address that only this host can reach (127.0.0.0/8, ::1, localhost).
    public var isLoopback: Bool {
        guard case .tcp(let host, _) = self else { return true }
        return NetworkNames.isLoopback(host: host)
    }

    public var description: String {
        switch self {
        case .unixPath(let path): path
        case .inheritedFD(let fd): "inherited socket fd \(fd)"
        case .tcp(let host, let port): host.contains(":") ? "tcp://[\(host)]:\(port)" : "tcp://\(host):\(port)"
        }
    }
}

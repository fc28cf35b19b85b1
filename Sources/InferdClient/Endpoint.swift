/// Where an inferd (or another Open Inference Protocol server) listens: a local Unix socket or a TCP
/// address.
///
/// Written as `unix:/run/inferd/inferd.sock`, a bare path (`/tmp/inferd.sock`, `./inferd.sock`), or
/// `http://host:port` (or just `host:port`) (with an optional trailing `/`; IPv6 literals in brackets: `http://[::1]:8080`).
/// `https` is refused: the client speaks no TLS, so put a TLS-terminating proxy next to it (stunnel,
/// nginx) and point the client at the proxy's plain side.
public enum Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// A Unix stream socket at this path.
    case unix(path: String)
    /// A TCP address: a host name or IP literal (without brackets) and a port.
    case tcp(host: String, port: Int)

    /// The default port when an `http://` URL names none: 80, as for any HTTP URL.
    public static let defaultHTTPPort = 80

    /// Why a text is not an endpoint. The message says what was given and what is accepted.
    public struct ParseError: Error, CustomStringConvertible, Sendable, Equatable {
        /// What is wrong and how to write it instead.
        public let message: String
        public var description: String { message }
        init(_ message: String) { self.message = message }
    }

    /// True for `HOST:PORT` without a slash (a socket path has one, or is a plain file name without
    /// a colon-and-digits ending).
    static func looksLikeHostAndPort(_ text: String) -> Bool {
        guard !text.contains("/"), let colon = text.lastIndex(of: ":") else { return false }
        let port = text[text.index(after: colon)...]
        return colon > text.startIndex && !port.isEmpty && port.allSatisfy(\.isASCII) && port.allSatisfy(\.isNumber)
    }

    /// Parses `text` as described on ``Endpoint``; `HOST:PORT` without a scheme means `http://HOST:PORT`.
    ///
    /// - Throws: ``ParseError`` for an empty text, an `https://` or other non-HTTP URL, a URL with a
    ///   path other than `/`, a query, user info, or a port outside 1...65535.
    public init(parsing text: String) throws(ParseError) {
        let trimmed = text.trimmingWhitespace
        guard !trimmed.isEmpty else { throw ParseError("an endpoint is empty: give http://HOST:PORT or a socket path") }
        if trimmed.hasPrefix("unix:") {
            var path = String(trimmed.dropFirst("unix:".count))
            // unix:///run/x.sock (URL form) is the same as unix:/run/x.sock.
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else { throw ParseError("\"\(text)\" names no socket path: write unix:/path/to/inferd.sock") }
            self = .unix(path: path)
            return
        }
        guard let schemeEnd = trimmed.range(of: "://") else {
            // `127.0.0.1:8080`, `box:8080`, `[::1]:8080`: a TCP address written without http://.
            if Self.looksLikeHostAndPort(trimmed) {
                try self.init(parsing: "http://" + trimmed)
                return
            }
            self = .unix(path: trimmed)
            return
        }
        let scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
        switch scheme {
        case "http": break
        case "https":
            throw ParseError("\"\(text)\": https is not supported — this client speaks plain HTTP only; put a TLS-terminating "
                             + "proxy (stunnel, nginx) in front of the server or next to the client and give its http:// address")
        default:
            throw ParseError("\"\(text)\": unsupported scheme \"\(scheme)\"; give http://HOST:PORT, unix:/PATH or a socket path")
        }
        var rest = Substring(trimmed[schemeEnd.upperBound...])
        var path = ""
        if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            path = String(rest[slash...])
            rest = rest[..<slash]
        }
        guard path.isEmpty || path == "/" else {
            throw ParseError("\"\(text)\" has the path \"\(path)\": give the server's root only (http://HOST:PORT); "
                             + "the client adds /v1/… and /v2/… itself")
        }
        guard !rest.contains("@") else {
            throw ParseError("\"\(text)\" carries user info: credentials go in --token-file, not in the URL")
        }
        let host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw ParseError("\"\(text)\": unterminated [ in an IPv6 address") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw ParseError("\"\(text)\": expected :PORT after the IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        guard !host.isEmpty else { throw ParseError("\"\(text)\" names no host: give http://HOST:PORT") }
        var port = Self.defaultHTTPPort
        if let portText {
            guard let value = Int(portText), (1...65_535).contains(value) else {
                throw ParseError("\"\(text)\": the port \"\(portText)\" is not a number in 1...65535")
            }
            port = value
        }
        self = .tcp(host: String(host), port: port)
    }

    /// `unix:/path` or `http://host:port` (IPv6 hosts in brackets): parses back to the same endpoint.
    public var description: String {
        switch self {
        case .unix(let path): "unix:" + path
        case .tcp(let host, let port): "http://" + (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
        }
    }

    /// How messages name it: the socket path for a Unix socket (as `--socket` takes it), the URL for TCP.
    public var displayName: String {
        switch self {
        case .unix(let path): path
        case .tcp: description
        }
    }

    /// True for a TCP endpoint (a remote, or a local daemon's TCP listener).
    public var isTCP: Bool {
        if case .tcp = self { return true }
        return false
    }

    /// The value of the `Host` header for requests to this endpoint.
    var hostHeader: String {
        switch self {
        case .unix: "localhost"
        case .tcp(let host, let port): (host.contains(":") ? "[\(host)]" : host) + (port == Self.defaultHTTPPort ? "" : ":\(port)")
        }
    }
}

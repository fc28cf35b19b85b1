import CSystemd

#if canImport(Glibc)
import Glibc
#endif

/// The listening sockets systemd passes to a socket-activated service (`LISTEN_FDS`/`LISTEN_PID`,
/// `LISTEN_FDNAMES`), found with libsystemd's `sd_listen_fds_with_names(3)` and checked with
/// `sd_is_socket(3)`. Every passed socket is served: Unix sockets like the configured one, TCP ones
/// like a `--listen` address (admin calls there need the bearer token).
public enum SocketActivation {
    /// A passed socket: its descriptor, its name and what it is bound to.
    public struct Listener: Sendable, Equatable, CustomStringConvertible {
        public let fd: Int32
        /// The bound path (`getsockname`), nil for a TCP, abstract or unnamed socket.
        public let path: String?
        /// `tcp://HOST:PORT` for a TCP socket, nil otherwise.
        public let tcpAddress: String?
        /// The unit's `FileDescriptorName=` (nil when none was given: systemd then says "unknown").
        public let name: String?

        public init(fd: Int32, path: String?, tcpAddress: String?, name: String?) {
            self.fd = fd
            self.path = path
            self.tcpAddress = tcpAddress
            self.name = name
        }

        /// True for a TCP socket (no peer credentials; admin calls need the token).
        public var isNetworked: Bool { tcpAddress != nil }

        /// `unix:/run/inferd/inferd.sock`, `tcp://127.0.0.1:8080`, or `fd 3` for an unnamed socket.
        public var description: String {
            if let path { return "unix:" + path }
            return tcpAddress ?? "fd \(fd)"
        }
    }

    /// Every passed socket, in the order the service manager passed them (empty when the process was
    /// not socket-activated: `LISTEN_FDS` unset, or `LISTEN_PID` names another process). Unsets the
    /// variables so they do not leak further.
    ///
    /// - Throws: ``ListenError`` `.cannotListen` when a passed descriptor is not a listening stream
    ///   socket (naming it and its `FileDescriptorName=`), or sd_listen_fds failed.
    public static func inheritedListeners() throws(ListenError) -> [Listener] {
        var names: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        let count = sd_listen_fds_with_names(1, &names)
        if count < 0 {
            throw ListenError(.cannotListen, "LISTEN_FDS is set but unusable: \(String(cString: strerror(-count)))")
        }
        defer {
            if let names {
                for index in 0..<Int(count) { free(names[index]) }
                free(names)
            }
        }
        var listeners: [Listener] = []
        for index in 0..<count {
            let fd = SD_LISTEN_FDS_START + index
            let given = names?[Int(index)].map { String(cString: $0) }
            let name = given == "unknown" || given?.isEmpty == true ? nil : given
            guard sd_is_socket(fd, AF_UNSPEC, Int32(SOCK_STREAM.rawValue), 1) > 0 else {
                throw ListenError(.cannotListen, "the socket passed by the service manager as fd \(fd)\(name.map { " (\($0))" } ?? "") is not a listening stream socket; use ListenStream= in the .socket unit")
            }
            listeners.append(Listener(fd: fd, path: boundPath(fd), tcpAddress: tcpAddress(fd), name: name))
        }
        return listeners
    }

    /// `tcp://HOST:PORT` (IPv6 in brackets) of a TCP socket, nil for other sockets.
    public static func tcpAddress(_ fd: Int32) -> String? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard status == 0 else { return nil }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    var ip = address.pointee.sin_addr
                    return "tcp://\(text(AF_INET, &ip)):\(UInt16(bigEndian: address.pointee.sin_port))"
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var ip = address.pointee.sin6_addr
                    return "tcp://[\(text(AF_INET6, &ip))]:\(UInt16(bigEndian: address.pointee.sin6_port))"
                }
            }
        default:
            return nil
        }
    }

    /// `inet_ntop` of the address at `address` in `family`.
    private static func text(_ family: Int32, _ address: UnsafeRawPointer) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        inet_ntop(family, address, &buffer, socklen_t(buffer.count))
        return String(cString: buffer)
    }

    /// The path a Unix socket is bound to, nil for other sockets.
    public static func boundPath(_ fd: Int32) -> String? {
        var address = sockaddr_un()
        var length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let status = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard status == 0, address.sun_family == sa_family_t(AF_UNIX) else { return nil }
        let path = withUnsafeBytes(of: &address.sun_path) { raw -> String in
            let bytes = raw.prefix(while: { $0 != 0 })
            return String(decoding: bytes, as: UTF8.self)
        }
        return path.isEmpty ? nil : path
    }
}

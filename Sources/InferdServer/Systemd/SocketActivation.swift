import CSystemd

#if canImport(Glibc)
import Glibc
#endif

/// The listening socket systemd passes to a socket-activated service (`LISTEN_FDS`/`LISTEN_PID`),
/// found with libsystemd's `sd_listen_fds(3)` and checked with `sd_is_socket(3)`.
public enum SocketActivation {
    /// A passed socket: its descriptor and, for a Unix socket with a path, that path.
    public struct Listener: Sendable, Equatable {
        public let fd: Int32
        /// The bound path (`getsockname`), nil for an abstract or unnamed socket.
        public let path: String?
    }

    /// The first passed socket, or nil when the process was not socket-activated (`LISTEN_FDS` unset,
    /// or `LISTEN_PID` names another process). Unsets the variables so they do not leak further.
    ///
    /// - Throws: ``ListenError`` `.cannotListen` when descriptors were passed but the first is not a
    ///   listening stream socket, or sd_listen_fds failed.
    public static func inheritedListener() throws(ListenError) -> Listener? {
        let count = sd_listen_fds(1)
        if count < 0 {
            throw ListenError(.cannotListen, "LISTEN_FDS is set but unusable: \(String(cString: strerror(-count)))")
        }
        guard count > 0 else { return nil }
        let fd = SD_LISTEN_FDS_START
        guard sd_is_socket(fd, AF_UNSPEC, Int32(SOCK_STREAM.rawValue), 1) > 0 else {
            throw ListenError(.cannotListen, "the socket passed by the service manager (fd \(fd)) is not a listening stream socket; use ListenStream= in the .socket unit")
        }
        // Other passed descriptors are not ours to serve; close them so they do not linger.
        for extra in 1..<count { close(fd + extra) }
        return Listener(fd: fd, path: boundPath(fd))
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

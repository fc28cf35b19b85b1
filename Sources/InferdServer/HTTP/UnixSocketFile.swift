#if canImport(Glibc)
import Glibc
#endif
import InferdWire

/// The socket file of a Unix-path listener: checks before binding, permissions after, removal at exit.
///
/// Before binding, an existing path is probed with `connect(2)`: a socket nobody accepts on
/// (`ECONNREFUSED`, left by a crashed run) is removed; a socket some process accepts on is an error,
/// so a second daemon never steals the path from a live one. Before either, the path must pass
/// ``SocketTrust``: a socket or directory of another user is never served or replaced.
public enum UnixSocketFile {
    /// File mode of the socket: owner and group may connect.
    public static let mode: mode_t = 0o660

    /// The file's identity, so that removal at exit never deletes a socket another process created since.
    public struct Identity: Sendable, Equatable {
        let device: UInt64
        let inode: UInt64
    }

    /// What ``prepare(_:)`` found.
    public enum Preparation: Sendable, Equatable {
        /// Nothing was at the path.
        case fresh
        /// A stale socket file was removed.
        case replacedStale
    }

    /// Makes `path` ready to bind: creates missing parent directories, removes a stale socket.
    ///
    /// - Throws: ``ListenError`` `.inUse` when a process accepts connections on `path`, `.notASocket`
    ///   when a non-socket file is there, `.pathTooLong`, `.untrusted` when the socket or its directory
    ///   fails ``SocketTrust``, or `.cannotListen` for other failures.
    public static func prepare(_ path: String, trust: SocketTrust = .forCurrentUser()) throws(ListenError) -> Preparation {
        guard path.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else {
            throw ListenError(.pathTooLong, "socket path \(path) is longer than the \(MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1) bytes a Unix socket address holds")
        }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            guard errno == ENOENT else { throw ListenError(.cannotListen, "cannot inspect \(path): \(errorText())") }
            try createParentDirectories(of: path)
            try check(path, trust: trust)
            return .fresh
        }
        try check(path, trust: trust)
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw ListenError(.notASocket, "\(path) exists and is not a socket; refusing to replace it")
        }
        switch probe(path) {
        case 0:
            throw ListenError(.inUse, "another process is already serving on \(path) (is inferd running?); stop it or choose another --socket")
        case ECONNREFUSED:
            guard unlink(path) == 0 || errno == ENOENT else {
                throw ListenError(.cannotListen, "cannot remove the stale socket \(path): \(errorText())")
            }
            return .replacedStale
        case ENOENT:
            return .fresh
        case let code:
            throw ListenError(.cannotListen, "cannot probe the existing socket \(path): \(String(cString: strerror(code)))")
        }
    }

    /// Sets the socket's mode to ``mode`` and returns its identity.
    public static func finish(_ path: String) throws(ListenError) -> Identity {
        guard chmod(path, mode) == 0 else { throw ListenError(.cannotListen, "cannot set the mode of \(path): \(errorText())") }
        var info = stat()
        guard stat(path, &info) == 0 else { throw ListenError(.cannotListen, "cannot inspect \(path): \(errorText())") }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Removes the socket file at `path` if it is still the one with `identity`.
    public static func remove(_ path: String, identity: Identity) {
        var info = stat()
        guard lstat(path, &info) == 0, UInt64(info.st_dev) == identity.device, UInt64(info.st_ino) == identity.inode else { return }
        unlink(path)
    }

    /// `connect(2)` to `path`: 0 when a process accepts, else the errno.
    static func probe(_ path: String) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return status == 0 ? 0 : errno
    }

    private static func check(_ path: String, trust: SocketTrust) throws(ListenError) {
        do {
            try trust.checkSocket(path)
        } catch {
            throw ListenError(error.code == .notASocket ? .notASocket : .untrusted, error.message)
        }
    }

    private static func createParentDirectories(of path: String) throws(ListenError) {
        var parent = ""
        let components = path.split(separator: "/", omittingEmptySubsequences: true).dropLast()
        for component in components {
            parent += (path.hasPrefix("/") || !parent.isEmpty ? "/" : "") + component
            if parent.isEmpty { continue }
            if mkdir(parent, 0o755) != 0, errno != EEXIST {
                throw ListenError(.cannotListen, "cannot create the socket directory \(parent): \(errorText())")
            }
        }
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}

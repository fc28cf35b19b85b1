#if canImport(Glibc)
import Glibc
#endif

/// Whether a Unix socket path leads to a daemon the caller may trust with its requests: the rule the
/// client applies before connecting (and to the peer after), and the daemon before it binds.
///
/// A socket is trusted when it is owned by the caller, root or the service user, and every directory
/// on the way to it (the one holding the path and, for a symbolic link, the one holding its target) is
/// owned by one of them and cannot be written by others — or, if it can (`/tmp`), is sticky, so others
/// cannot remove or rename a file they do not own. This is the check ssh-agent, tmux and PulseAudio
/// make; without it another local user can bind the per-user fallback path first and read every photo
/// sent to it. After connecting, the client also checks the listener's uid from `SO_PEERCRED`, which
/// leaves no window between the file check and the connection.
public struct SocketTrust: Sendable, Equatable {
    /// The uids whose sockets and directories are trusted.
    public let trustedOwners: Set<UInt32>

    /// The service user's name (`inferd`, made by the package's sysusers snippet).
    public static let serviceUser = "inferd"

    /// Trusts `trustedOwners` (always with root).
    public init(trustedOwners: Set<UInt32>) {
        self.trustedOwners = trustedOwners.union([0])
    }

    /// Trusts the caller (effective uid), root and the service user when it exists.
    public static func forCurrentUser() -> SocketTrust {
        var owners: Set<UInt32> = [geteuid()]
        if let entry = getpwnam(serviceUser) { owners.insert(entry.pointee.pw_uid) }
        return SocketTrust(trustedOwners: owners)
    }

    /// Checks the socket at `path` and the directories on the way to it. A missing socket passes (the
    /// connection then fails with "not running", and the daemon creates it).
    ///
    /// - Throws: ``SocketTrustError``: `.untrustedOwner` for a socket or directory owned by someone
    ///   else, `.unsafeDirectory` for a directory others may write that is not sticky, `.notASocket`,
    ///   `.cannotInspect`.
    public func checkSocket(_ path: String) throws(SocketTrustError) {
        let directory = Self.parent(of: path)
        if directory == SocketLocation.temporaryDirectory(userID: geteuid()) {
            do {
                try Self.preparePrivateDirectory(directory, userID: geteuid(), create: false)
            } catch where error.code == .notFound {
                return
            }
        }
        try checkDirectory(directory, holding: path)
        var info = stat()
        guard stat(path, &info) == 0 else {
            let error = errno
            if error == ENOENT || error == ENOTDIR { return }
            throw SocketTrustError(.cannotInspect, "cannot inspect the socket \(path): \(Self.describe(error))")
        }
        if let target = Self.realPath(path), target != path {
            try checkDirectory(Self.parent(of: target), holding: path)
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            let kind = switch info.st_mode & S_IFMT {
            case S_IFDIR: "a directory"
            case S_IFREG: "a regular file"
            default: "a special file"
            }
            throw SocketTrustError(.notASocket, "\(path) is \(kind), not a socket; point --socket or INFERD_SOCKET at inferd's socket")
        }
        guard trustedOwners.contains(info.st_uid) else {
            throw SocketTrustError(.untrustedOwner,
                                   "refusing the socket \(path): it is owned by \(Self.userName(info.st_uid)), not by you, root or the \(Self.serviceUser) user, "
                                       + "so another user may be answering in inferd's place; remove it (or ask its owner to) and start your own daemon, "
                                       + "or point --socket / INFERD_SOCKET at a socket you trust")
        }
    }

    /// Checks the directory at `directory` (which holds `socketPath`): owned by a trusted uid, and not
    /// writable by group or others unless sticky.
    public func checkDirectory(_ directory: String, holding socketPath: String) throws(SocketTrustError) {
        var info = stat()
        guard stat(directory, &info) == 0 else {
            let error = errno
            if error == ENOENT || error == ENOTDIR { return }
            throw SocketTrustError(.cannotInspect, "cannot inspect \(directory), which holds the socket \(socketPath): \(Self.describe(error))")
        }
        guard trustedOwners.contains(info.st_uid) else {
            throw SocketTrustError(.untrustedOwner,
                                   "refusing the socket \(socketPath): its directory \(directory) is owned by \(Self.userName(info.st_uid)), "
                                       + "who could put any socket there; use a directory owned by you or root")
        }
        if info.st_mode & (S_IWGRP | S_IWOTH) != 0, info.st_mode & S_ISVTX == 0 {
            throw SocketTrustError(.unsafeDirectory,
                                   "refusing the socket \(socketPath): its directory \(directory) (mode \(Self.octal(info.st_mode & 0o7777))) may be written by other users "
                                       + "and is not sticky, so anyone could replace the socket; run `chmod go-w \(directory)` (or `chmod +t`) or use another directory")
        }
    }

    /// Checks the uid of the process listening on a connected socket (`SO_PEERCRED` of `fd`).
    public func checkPeer(of fd: Int32, path: String) throws(SocketTrustError) {
        var credentials = (pid: Int32(0), uid: UInt32(0), gid: UInt32(0))
        var length = socklen_t(MemoryLayout.size(ofValue: credentials))
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 else {
            throw SocketTrustError(.cannotInspect, "cannot read who listens on \(path): \(Self.describe(errno))")
        }
        guard trustedOwners.contains(credentials.uid) else {
            throw SocketTrustError(.untrustedOwner,
                                   "refusing the socket \(path): the process answering there (pid \(credentials.pid)) runs as \(Self.userName(credentials.uid)), "
                                       + "not as you, root or the \(Self.serviceUser) user; stop it and start your own daemon, or point --socket / INFERD_SOCKET elsewhere")
        }
    }

    /// Makes sure `directory` is a private directory of `userID`: a real directory (not a link) owned
    /// by `userID` with no access for group or others. Creates it with mode 0700 when missing and
    /// `create` is set. Used for the `/tmp/inferd-<uid>` fallback, on every start and every connection.
    ///
    /// - Throws: ``SocketTrustError`` `.untrustedOwner` or `.unsafeDirectory` with how to fix it;
    ///   `.cannotInspect` when it cannot be created or read; `.notFound` when missing and not `create`.
    public static func preparePrivateDirectory(_ directory: String, userID: UInt32, create: Bool) throws(SocketTrustError) {
        if create, mkdir(directory, 0o700) != 0, errno != EEXIST {
            throw SocketTrustError(.cannotInspect, "cannot create the private socket directory \(directory): \(describe(errno))")
        }
        var info = stat()
        guard lstat(directory, &info) == 0 else {
            let error = errno
            if error == ENOENT { throw SocketTrustError(.notFound, "\(directory) does not exist") }
            throw SocketTrustError(.cannotInspect, "cannot inspect the private socket directory \(directory): \(describe(error))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw SocketTrustError(.unsafeDirectory, "refusing \(directory): it should be your private socket directory but is not a directory; remove it")
        }
        guard info.st_uid == userID else {
            throw SocketTrustError(.untrustedOwner,
                                   "refusing \(directory): it should be the private socket directory of uid \(userID) but is owned by \(userName(info.st_uid)); "
                                       + "another user may have made it to stand in for inferd. Remove it (as root) or set XDG_RUNTIME_DIR / INFERD_SOCKET")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw SocketTrustError(.unsafeDirectory,
                                   "refusing \(directory): your private socket directory has mode \(octal(info.st_mode & 0o7777)), so others may reach into it; run `chmod 700 \(directory)`")
        }
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func userName(_ uid: UInt32) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return "\(String(cString: name)) (uid \(uid))"
    }

    static func octal(_ mode: mode_t) -> String { "0" + String(mode, radix: 8) }

    static func describe(_ error: Int32) -> String { String(cString: strerror(error)) }
}

/// Why a socket path is not trusted (see ``SocketTrust``).
public typealias SocketTrustError = CodedError<SocketTrustProblem>

/// The kinds of ``SocketTrustError``.
public enum SocketTrustProblem: String, Sendable, Hashable {
    /// The socket, a directory on the way, or the listening process belongs to another user.
    case untrustedOwner
    /// A directory others may write that is not sticky, or a private directory open to others.
    case unsafeDirectory
    /// Something other than a socket is at the path.
    case notASocket
    /// The private directory does not exist.
    case notFound
    /// A system call failed.
    case cannotInspect
}

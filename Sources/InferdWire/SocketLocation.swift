#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Where inferd's Unix socket is, and why there: one rule shared by the daemon (where to listen) and
/// its clients (where to connect).
///
/// In order:
/// 1. an explicit path (`--socket PATH`),
/// 2. the `INFERD_SOCKET` environment variable,
/// 3. `/run/inferd/inferd.sock` — for a client when that socket exists (a system service is running);
///    for the daemon when it runs as a system service,
/// 4. `$XDG_RUNTIME_DIR/inferd.sock` (the per-user runtime directory of a login session),
/// 5. `/tmp/inferd-$UID.sock` (no runtime directory, e.g. a container or a cron job).
///
/// Empty values of `--socket`, `INFERD_SOCKET` and `XDG_RUNTIME_DIR` count as unset.
public struct SocketLocation: Sendable, Equatable, CustomStringConvertible {
    /// Which rule chose the path.
    public enum Source: String, Sendable, Equatable, Codable {
        /// `--socket PATH`.
        case explicit
        /// `INFERD_SOCKET`.
        case environment
        /// `/run/inferd/inferd.sock`.
        case system
        /// `$XDG_RUNTIME_DIR/inferd.sock`.
        case runtimeDirectory
        /// `/tmp/inferd-$UID.sock`.
        case temporary
    }

    /// The environment variable that names the socket: `INFERD_SOCKET`.
    public static let environmentVariable = "INFERD_SOCKET"
    /// The system service's socket: `/run/inferd/inferd.sock`.
    public static let systemPath = "/run/inferd/inferd.sock"
    /// The socket's file name inside a runtime directory: `inferd.sock`.
    public static let fileName = "inferd.sock"

    /// The socket path.
    public let path: String
    /// The rule that chose it.
    public let source: Source

    /// A location chosen by `source`.
    public init(path: String, source: Source) {
        self.path = path
        self.source = source
    }

    /// The path.
    public var description: String { path }

    /// Applies the rules above.
    ///
    /// - Parameters:
    ///   - explicit: the `--socket` value, if given.
    ///   - environment: the process environment (injected for tests).
    ///   - useSystemPath: whether rule 3 applies. Clients pass whether the system socket exists (see
    ///     ``forClient(explicit:environment:fileExists:userID:)``); the daemon passes whether it runs as
    ///     a system service.
    ///   - userID: the uid for the `/tmp` fallback.
    public static func resolve(explicit: String?, environment: [String: String], useSystemPath: Bool,
                               userID: UInt32 = getuid()) -> SocketLocation {
        if let explicit, !explicit.isEmpty {
            return SocketLocation(path: explicit, source: .explicit)
        }
        if let path = environment[environmentVariable], !path.isEmpty {
            return SocketLocation(path: path, source: .environment)
        }
        if useSystemPath {
            return SocketLocation(path: systemPath, source: .system)
        }
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            let directory = runtime.hasSuffix("/") ? String(runtime.dropLast()) : runtime
            return SocketLocation(path: directory + "/" + fileName, source: .runtimeDirectory)
        }
        return SocketLocation(path: "/tmp/inferd-\(userID).sock", source: .temporary)
    }

    /// The socket a client should connect to: the system socket is used when it exists.
    public static func forClient(explicit: String?,
                                 environment: [String: String] = ProcessInfo.processInfo.environment,
                                 fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) },
                                 userID: UInt32 = getuid()) -> SocketLocation {
        resolve(explicit: explicit, environment: environment, useSystemPath: fileExists(systemPath), userID: userID)
    }
}

#if canImport(Glibc)
import Glibc
#endif
import InferdWire

/// Where inferd puts things when the configuration does not say, depending on whether it runs as a
/// system service (systemd sets `INVOCATION_ID`, and it runs as root) or from a person's shell.
public enum DefaultPaths {
    /// The system service socket path.
    public static let systemSocket = "/run/inferd/inferd.sock"
    /// The system service models directory.
    public static let systemModels = "/var/lib/inferd/models"

    /// True when started by systemd as a system service: `INVOCATION_ID` is set and the uid is 0.
    public static func isSystemService(environment: [String: String], uid: uid_t = getuid()) -> Bool {
        environment["INVOCATION_ID"] != nil && uid == 0
    }

    /// `INFERD_SOCKET` and `--socket` are handled as settings; without them: `/run/inferd/inferd.sock`
    /// for the system service, else `$XDG_RUNTIME_DIR/inferd.sock`, else `/tmp/inferd-$UID/inferd.sock`
    /// (the rule of ``SocketLocation``, which clients share).
    public static func socket(environment: [String: String], uid: uid_t = getuid()) -> SocketLocation {
        SocketLocation.resolve(explicit: nil, environment: environment,
                               useSystemPath: isSystemService(environment: environment, uid: uid), userID: uid)
    }

    /// `$STATE_DIRECTORY/models` when systemd sets `StateDirectory=`, else `/var/lib/inferd/models` for
    /// the system service, else `./models` (the development checkout).
    public static func models(environment: [String: String], uid: uid_t = getuid()) -> String {
        if let state = environment["STATE_DIRECTORY"]?.split(separator: ":").first, !state.isEmpty {
            return String(state) + "/models"
        }
        return isSystemService(environment: environment, uid: uid) ? systemModels : "./models"
    }
}

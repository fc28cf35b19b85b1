import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Where the daemon's log goes: the journal (structured fields) when stderr is connected to it,
/// plain lines on stderr otherwise.
public enum LogOutput: Sendable, Equatable {
    /// Structured entries to the journal socket at this path.
    case journal(socketPath: String)
    /// Readable lines on stderr.
    case stderr

    /// The journal when `JOURNAL_STREAM` (`DEVICE:INODE`, set by systemd for a service whose stderr
    /// is the journal) names stderr's file — a child whose stderr was redirected elsewhere keeps
    /// the variable but not the journal, so the variable alone is not enough. `INFERD_JOURNAL_SOCKET`
    /// replaces journald's socket path (for tests that play journald).
    public static func detect(environment: [String: String], stderrIdentity: (device: UInt64, inode: UInt64)? = stderrIdentity()) -> LogOutput {
        guard let stream = environment["JOURNAL_STREAM"], let identity = stderrIdentity,
              stream == "\(identity.device):\(identity.inode)" else { return .stderr }
        return .journal(socketPath: environment["INFERD_JOURNAL_SOCKET"] ?? JournalSocketWriter.defaultPath)
    }

    /// Device and inode of file descriptor 2.
    public static func stderrIdentity() -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard fstat(2, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// Installs the handler for this output with `level` (call once, first thing).
    public func bootstrap(level: Logger.Level) {
        switch self {
        case .journal(let path):
            LoggingSystem.bootstrap { label in
                var handler = JournalLogHandler(label: label, socketPath: path)
                handler.logLevel = level
                return handler
            }
        case .stderr:
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}

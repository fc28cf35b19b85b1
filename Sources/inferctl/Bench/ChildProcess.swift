import Core
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn` and reaped with `wait4`, so that its wall time is exact
/// (Foundation's `Process` notices an exit only on its run loop's next turn) and its own resource
/// usage (CPU, faults, peak RSS) comes with the exit status.
final class ChildProcess {
    /// How a finished child did.
    struct Exit {
        /// Exit status, or 128 + signal.
        var status: Int32
        /// From spawn to reaped, ms.
        var wallMilliseconds: Double
        var usage: ProcessUsage
        var peakResidentBytes: Int64
    }

    /// The process id.
    let pid: pid_t
    private let watch: Stopwatch

    /// Starts `executable` with `arguments`, standard input from /dev/null and standard output and
    /// error appended to the given files (or /dev/null).
    ///
    /// - Throws: ``BenchError`` when the spawn fails.
    init(_ executable: String, _ arguments: [String], stdout: String? = nil, stderr: String? = nil,
         environment: [String: String]? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let env = environment ?? ProcessInfo.processInfo.environment
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }

        var child: pid_t = 0
        let started = Stopwatch()
        let result = posix_spawn(&child, executable, &actions, nil, argv, envp)
        guard result == 0 else { throw BenchError("cannot start \(executable): \(String(cString: strerror(result)))") }
        pid = child
        watch = started
    }

    /// Sends `signal` to the child.
    func signal(_ signal: Int32) { kill(pid, signal) }

    /// True once the child has exited (it is then a zombie until ``wait()``; this does not reap it).
    func hasExited() -> Bool {
        var info = siginfo_t()
        return waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info._sifields._sigchld.si_pid == pid
    }

    /// Waits for the child to exit (blocking) and returns how it did.
    func wait() -> Exit {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let wall = watch.elapsedMilliseconds
        let exited = status & 0x7f == 0
        let code = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return Exit(status: code, wallMilliseconds: wall,
                    usage: ProcessUsage(cpuSeconds: cpu, minorFaults: Int64(usage.ru_minflt), majorFaults: Int64(usage.ru_majflt)),
                    peakResidentBytes: Int64(usage.ru_maxrss) * 1024)
    }

    /// The `inferd` binary next to this `inferctl` (`$INFERD_BINARY` overrides).
    static func siblingBinary(_ name: String, override variable: String) throws -> String {
        if let explicit = ProcessInfo.processInfo.environment[variable], !explicit.isEmpty { return explicit }
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let path = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw BenchError("no \(name) binary next to inferctl at \(path); set \(variable)")
        }
        return path
    }
}

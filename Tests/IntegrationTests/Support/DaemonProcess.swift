import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The real `inferd` binary, started for one test on a temporary socket with the prepared models.
///
/// ```swift
/// let daemon = try await DaemonProcess.start()
/// let answer = try await RawHTTP.get(socket: daemon.socketPath, "/v1/models")
/// #expect(try await daemon.stop() == 0)
/// ```
///
/// Unless the arguments say otherwise, the daemon gets `--socket <temporary dir>/inferd.sock` and
/// `--models <package>/models`. Its stderr goes to a file (``stderrLog``), so a failing test can show
/// what the daemon said. A daemon still running when the object is released is killed (SIGKILL).
final class DaemonProcess: @unchecked Sendable {
    /// Why the daemon could not be started or stopped.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The package root (holds `models/`, `samples/`, `.build/`).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    /// The prepared model bundles.
    static let modelsDirectory = packageRoot + "/models"
    /// The sample photos (and `samples/bad/` fixtures).
    static let samplesDirectory = packageRoot + "/samples"

    /// Path of a sample file, e.g. `sample("chelsea.jpg")` or `sample("bad/empty.jpg")`.
    static func sample(_ name: String) -> String { samplesDirectory + "/" + name }

    /// The bytes of a sample file.
    static func sampleBytes(_ name: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: sample(name)) else { throw Failure(description: "no sample \(name)") }
        return [UInt8](data)
    }

    /// The `inferd` binary: `$INFERD_BINARY`, else next to the test bundle, else `.build/debug/inferd`.
    static var binaryPath: String {
        get throws {
            var candidates: [String] = []
            if let explicit = ProcessInfo.processInfo.environment["INFERD_BINARY"] { candidates.append(explicit) }
            for executable in [Bundle.main.executablePath, CommandLine.arguments.first].compactMap({ $0 }) {
                candidates.append(URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("inferd").path)
            }
            candidates.append(packageRoot + "/.build/debug/inferd")
            if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return found }
            throw Failure(description: "no inferd binary; looked at \(candidates)")
        }
    }

    /// The socket the daemon serves (from `--socket`, or the temporary one).
    let socketPath: String
    /// A temporary directory that belongs to this daemon (socket, stderr log); removed when released.
    let directory: String
    /// The process id.
    var pid: Int32 { process.processIdentifier }
    /// Full command line, for messages.
    let commandLine: [String]

    private let process: Process
    private let logPath: String
    private let exit = ExitBox()

    /// Everything the daemon wrote to stderr so far.
    var stderrLog: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// Starts `inferd` and waits until `GET /v2/health/ready` answers 200.
    ///
    /// - Parameters:
    ///   - arguments: extra arguments; `--socket` and `--models` are added unless present.
    ///   - environment: variables added to (or replacing) the test process's environment.
    ///   - readyTimeout: seconds to wait for readiness (model preloads on two shared cores can be slow).
    ///   - executable: another `inferd` binary (an installed copy); default ``binaryPath``.
    ///   - launcher: a command line that runs the daemon, e.g. `["systemd-socket-activate", "-l", path]`;
    ///     the daemon's path and arguments are appended.
    /// - Throws: ``Failure`` with the daemon's stderr when it exits or is not ready in time.
    static func start(arguments: [String] = [], environment: [String: String] = [:],
                      readyTimeout: Double = 300, executable: String? = nil, launcher: [String] = []) async throws -> DaemonProcess {
        let daemon = try launch(arguments: arguments, environment: environment, executable: executable, launcher: launcher)
        do {
            try await daemon.waitUntilReady(timeout: readyTimeout)
        } catch {
            daemon.kill()
            throw error
        }
        return daemon
    }

    /// Starts `inferd` without waiting for it to be ready (for tests of start-up failures).
    static func launch(arguments: [String] = [], environment: [String: String] = [:],
                       executable: String? = nil, launcher: [String] = []) throws -> DaemonProcess {
        try DaemonProcess(arguments: arguments, environment: environment, executable: executable, launcher: launcher)
    }

    /// An `environment` value for `JOURNAL_STREAM` that becomes the device and inode of the
    /// daemon's stderr file, as systemd sets it when stderr is the journal.
    static let journalStreamOfStderr = "<stderr>"

    private init(arguments: [String], environment: [String: String], executable: String?, launcher: [String]) throws {
        let temporary = FileManager.default.temporaryDirectory
            .appendingPathComponent("inferd-test-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        directory = temporary
        var arguments = arguments
        if let index = arguments.firstIndex(of: "--socket"), index + 1 < arguments.count {
            socketPath = arguments[index + 1]
        } else if let inline = arguments.first(where: { $0.hasPrefix("--socket=") }) {
            socketPath = String(inline.dropFirst("--socket=".count))
        } else {
            socketPath = temporary + "/inferd.sock"
            arguments += ["--socket", socketPath]
        }
        if !arguments.contains(where: { ["--models", "--models-dir"].contains($0) || $0.hasPrefix("--models=") || $0.hasPrefix("--models-dir=") }) {
            arguments += ["--models", Self.modelsDirectory]
        }
        logPath = temporary + "/stderr.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let binary = try executable ?? Self.binaryPath
        commandLine = launcher + [binary] + arguments

        process = Process()
        process.executableURL = URL(fileURLWithPath: commandLine[0])
        process.arguments = Array(commandLine.dropFirst())
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "INFERD_SOCKET")
        env.removeValue(forKey: "INVOCATION_ID")
        env.removeValue(forKey: "LISTEN_FDS")
        env.removeValue(forKey: "LISTEN_PID")
        env.removeValue(forKey: "NOTIFY_SOCKET")
        env.removeValue(forKey: "WATCHDOG_USEC")
        env.removeValue(forKey: "JOURNAL_STREAM")
        for (key, value) in environment { env[key] = value }
        if env["JOURNAL_STREAM"] == Self.journalStreamOfStderr {
            var info = stat()
            stat(logPath, &info)
            env["JOURNAL_STREAM"] = "\(info.st_dev):\(info.st_ino)"
        }
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: logPath)
        process.standardError = FileHandle(forWritingAtPath: logPath)
        let box = exit
        process.terminationHandler = { finished in
            let signalled = finished.terminationReason == .uncaughtSignal
            box.finish(signalled ? 128 + finished.terminationStatus : finished.terminationStatus)
        }
        try process.run()
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Polls `GET /v2/health/ready` until it answers 200.
    ///
    /// - Throws: ``Failure`` with the stderr log when the process exits first or `timeout` passes.
    func waitUntilReady(timeout: Double = 300) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let status = exit.status {
                throw Failure(description: "inferd exited with status \(status) before it was ready:\n\(stderrLog)")
            }
            if let response = try? await RawHTTP.send(socket: socketPath, method: "GET", path: "/v2/health/ready", timeout: 10),
               response.status == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(description: "inferd was not ready after \(timeout) s:\n\(stderrLog)")
    }

    /// Sends `signal` to the daemon.
    func signal(_ signal: Int32) {
        if process.isRunning { Glibc.kill(process.processIdentifier, signal) }
    }

    /// Waits for the process to exit and returns its exit status (or `128 + signal` when a signal
    /// killed it), killing it after `timeout` seconds.
    func waitForExit(timeout: Double = 120) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let status = exit.status { return status }
            try await Task.sleep(for: .milliseconds(20))
        }
        kill()
        throw Failure(description: "inferd did not exit within \(timeout) s; killed it:\n\(stderrLog)")
    }

    /// True while the process runs.
    var isRunning: Bool { exit.status == nil }

    /// Sends SIGTERM, waits for the exit and returns the exit status. ``stderrLog`` stays readable
    /// until the object is released (which removes the temporary directory).
    /// A status other than 0 prints the end of the daemon's stderr, so a failure in CI says why.
    func stop(timeout: Double = 120) async throws -> Int32 {
        signal(SIGTERM)
        let status = try await waitForExit(timeout: timeout)
        if status != 0 {
            let tail = stderrLog.split(separator: "\n", omittingEmptySubsequences: false).suffix(60).joined(separator: "\n")
            print("inferd exited with status \(status) after SIGTERM; the end of its stderr:\n\(tail)")
        }
        return status
    }

    /// Kills the daemon at once (SIGKILL), if it still runs.
    func kill() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }
}

/// The exit status, set from Foundation's termination handler thread.
private final class ExitBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int32?

    var status: Int32? { lock.withLock { value } }

    func finish(_ status: Int32) { lock.withLock { value = status } }
}

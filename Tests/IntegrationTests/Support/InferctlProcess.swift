import Foundation

/// Runs the real `inferctl` binary once and captures what it printed and its exit status.
///
/// ```swift
/// let run = try await InferctlProcess.run(["classify", "--json", "--socket", daemon.socketPath, photo])
/// #expect(run.status == 0, "\(run.stderr)")
/// ```
///
/// `INFERD_SOCKET` is removed from the environment unless `environment` sets it, so a daemon running
/// on the host never answers a test by accident.
struct InferctlProcess: Sendable {
    /// Why the binary could not be run.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Exit status (or 128 + signal).
    var status: Int32
    var stdout: String
    var stderr: String
    /// Wall time of the run, seconds.
    var seconds: Double

    /// The `inferctl` binary: `$INFERCTL_BINARY`, else next to the test bundle, else `.build/debug/inferctl`.
    static var binaryPath: String {
        get throws {
            var candidates: [String] = []
            if let explicit = ProcessInfo.processInfo.environment["INFERCTL_BINARY"] { candidates.append(explicit) }
            for executable in [Bundle.main.executablePath, CommandLine.arguments.first].compactMap({ $0 }) {
                candidates.append(URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("inferctl").path)
            }
            candidates.append(DaemonProcess.packageRoot + "/.build/debug/inferctl")
            if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return found }
            throw Failure(description: "no inferctl binary; looked at \(candidates)")
        }
    }

    /// Runs `inferctl arguments…` in the package root and waits for it (at most `timeout` seconds).
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Double = 600) async throws -> InferctlProcess {
        let binary = try binaryPath
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runBlocking(binary, arguments, environment: environment, timeout: timeout) })
            }
        }
    }

    private static func runBlocking(_ binary: String, _ arguments: [String], environment: [String: String],
                                    timeout: Double) throws -> InferctlProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: DaemonProcess.packageRoot)
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "INFERD_SOCKET")
        env.removeValue(forKey: "INFERD_MODELS")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        // Files, not pipes: nothing can block on a full pipe while we wait.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inferctl-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outPath = directory + "/stdout", errPath = directory + "/stderr"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        let started = Date()
        try process.run()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            process.waitUntilExit()
            done.signal()
        }
        if done.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw Failure(description: "inferctl \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
        }
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return InferctlProcess(status: status,
                               stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                               stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
                               seconds: Date().timeIntervalSince(started))
    }

    /// Standard output parsed as JSON.
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(stdout.utf8))
    }

    /// Standard output parsed as the JSON array `inferctl classify --json` prints.
    func classifyRecords() throws -> [[String: Any]] {
        guard let records = try json() as? [[String: Any]] else {
            throw Failure(description: "classify --json did not print an array of objects: \(stdout.prefix(500))")
        }
        return records
    }
}

extension Dictionary where Key == String, Value == Any {
    /// The labels of a classify record, best first.
    var labelNames: [String] {
        (self["labels"] as? [[String: Any]])?.compactMap { $0["label"] as? String } ?? []
    }

    /// A millisecond figure from `timings_ms` (nil when null or missing).
    func milliseconds(_ key: String) -> Double? {
        (self["timings_ms"] as? [String: Any])?[key] as? Double
    }
}

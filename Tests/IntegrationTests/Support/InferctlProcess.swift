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
        // The test's own INFERD_SOCKET / INFERD_MODELS must not leak in (an empty value removes).
        var env = ["INFERD_SOCKET": "", "INFERD_MODELS": ""]
        for (key, value) in environment { env[key] = value }
        let started = Date()
        let run = try await Command.run([binary] + arguments, environment: env, timeout: timeout)
        return InferctlProcess(status: run.status, stdout: run.stdout, stderr: run.stderr,
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

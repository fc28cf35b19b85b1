import Foundation

/// Runs a command (found on `PATH` or given as a path) once and captures what it printed — for the
/// system tools the systemd tests use: `setpriv`, `curl`, `make`, `systemd-analyze`, `ldd`.
struct Command: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    var status: Int32
    var stdout: String
    var stderr: String

    /// `arguments[0]` is the program. Runs in the package root; `environment` adds to (or with an
    /// empty value, removes from) the test's own.
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Double = 600) async throws -> Command {
        try await OwnThread.run { try runBlocking(arguments, environment: environment, timeout: timeout) }
    }

    /// The full path of `program` on `PATH`, nil when it is not installed.
    static func which(_ program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// ``run(_:environment:timeout:)`` on the calling thread, for clean-up in a `defer`, which cannot await.
    static func runBlocking(_ arguments: [String], environment: [String: String] = [:], timeout: Double = 600) throws -> Command {
        guard let program = arguments.first.flatMap({ $0.hasPrefix("/") ? $0 : which($0) }) else {
            throw Failure(description: "\(arguments.first ?? "(nothing)") is not installed")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = Array(arguments.dropFirst())
        process.currentDirectoryURL = URL(fileURLWithPath: DaemonProcess.packageRoot)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment {
            if value.isEmpty { env.removeValue(forKey: key) } else { env[key] = value }
        }
        process.environment = env
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("command-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outPath = directory + "/stdout", errPath = directory + "/stderr"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
        let done = DispatchSemaphore(value: 0)
        OwnThread.start {
            process.waitUntilExit()
            done.signal()
        }
        if done.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw Failure(description: "\(arguments.joined(separator: " ")) did not finish within \(timeout) s")
        }
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return Command(status: status,
                       stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                       stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }
}

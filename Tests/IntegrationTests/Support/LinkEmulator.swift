import Foundation

/// `scripts/tests/link_emulator.py` running for one test: a TCP proxy on loopback that makes the path
/// to `target` behave like a slow link (a one-way delay and a bandwidth limit in each direction), so
/// an edge daemon can offload to a cloud daemon "over Wi-Fi" without privileges.
///
/// ```swift
/// let link = try await LinkEmulator.start(target: "127.0.0.1:8080", delayMs: 20, rateMbit: 20)
/// defer { link.stop() }
/// // use "http://\(link.address)"
/// ```
///
/// The proxy's standard input is a pipe this object holds: when the test process ends, however it
/// ends, the pipe closes and the proxy exits. ``stop()`` (also run when the object is released) ends
/// it at once.
final class LinkEmulator: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `127.0.0.1:PORT` the proxy listens on.
    let address: String
    private let process: Process
    private let input: Pipe
    private let reader: FileHandle
    private let logPath: String

    /// What the proxy wrote to stderr (a traceback when it failed).
    var stderrLog: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Starts the proxy in front of `target` (`HOST:PORT`) and waits for it to listen.
    ///
    /// - Throws: ``Failure`` when `python3` is missing or the proxy does not say where it listens
    ///   within 30 s.
    static func start(target: String, delayMs: Double, rateMbit: Double) async throws -> LinkEmulator {
        try await RawHTTP.offPool { try LinkEmulator(target: target, delayMs: delayMs, rateMbit: rateMbit) }
    }

    private init(target: String, delayMs: Double, rateMbit: Double) throws {
        guard let python = Command.which("python3") else { throw Failure(description: "python3 is not installed") }
        let script = DaemonProcess.packageRoot + "/scripts/tests/link_emulator.py"
        logPath = FileManager.default.temporaryDirectory.appendingPathComponent("link-emulator-\(UUID().uuidString.prefix(8)).log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, "--target", target, "--delay-ms", "\(delayMs)", "--rate-mbit", "\(rateMbit)"]
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: logPath)
        try process.run()

        // The first line is "listening HOST:PORT".
        reader = output.fileHandleForReading
        let line = Self.readLine(reader, timeout: 30) ?? ""
        guard line.hasPrefix("listening ") else {
            process.terminate()
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            throw Failure(description: "the link emulator did not start: \(line) \(log)")
        }
        address = String(line.dropFirst("listening ".count))
    }

    /// Changes the bandwidth of both directions from the next byte on (the delay stays); returns
    /// once the proxy confirmed it.
    ///
    /// - Throws: ``Failure`` when the proxy does not confirm within 10 s.
    func setRate(mbit: Double) async throws {
        try await RawHTTP.offPool { [self] in
            try input.fileHandleForWriting.write(contentsOf: Data("rate \(mbit)\n".utf8))
            guard let line = Self.readLine(reader, timeout: 10), line.hasPrefix("rate ") else {
                throw Failure(description: "the link emulator did not confirm the rate: \(stderrLog)")
            }
        }
    }

    /// One line from `handle` (without its newline), nil at end of stream or after `timeout` s.
    /// Reads byte by byte, so nothing after the line is consumed.
    private static func readLine(_ handle: FileHandle, timeout: Double) -> String? {
        let box = LineBox()
        let done = DispatchSemaphore(value: 0)
        OwnThread.start {
            var bytes: [UInt8] = []
            while let byte = try? handle.read(upToCount: 1), let first = byte.first {
                if first == UInt8(ascii: "\n") {
                    box.line = String(decoding: bytes, as: UTF8.self)
                    break
                }
                bytes.append(first)
            }
            done.signal()
        }
        guard done.wait(timeout: .now() + timeout) == .success else { return nil }
        return box.line
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: logPath)
    }

    /// Ends the proxy (SIGTERM) and waits for it; safe to call more than once.
    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

private final class LineBox: @unchecked Sendable {
    var line: String?
}

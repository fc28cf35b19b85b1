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
        let reader = output.fileHandleForReading
        let box = LineBox()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var bytes = Data()
            while !bytes.contains(UInt8(ascii: "\n")) {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                bytes.append(chunk)
            }
            box.line = String(decoding: bytes, as: UTF8.self)
            done.signal()
        }
        let timedOut = done.wait(timeout: .now() + 30) == .timedOut
        let line = box.line ?? ""
        guard !timedOut, line.hasPrefix("listening "), let first = line.split(separator: "\n").first else {
            process.terminate()
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            throw Failure(description: "the link emulator did not start: \(line) \(log)")
        }
        address = String(first.dropFirst("listening ".count))
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

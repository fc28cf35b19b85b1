import Core
import Foundation
import InferdClient
import InferdRuntime
#if canImport(Glibc)
import Glibc
#endif

/// A `daemon-cold-start` cell: for every request a fresh `inferd` (the binary next to inferctl) on a
/// socket in a temporary directory, the same models directory, no compiled-model cache; timed from
/// process start to the first classify answer.
final class FreshDaemonCell {
    private let settings: BenchSettings
    private let energy: EnergyMeter
    private let startEnergy: [Double]?
    private let watch = Stopwatch()
    private var usage = ProcessUsage(cpuSeconds: 0, minorFaults: 0, majorFaults: 0)
    private var daemonWall = 0.0
    private var peak: Int64 = 0
    private var peakKnown = false

    init(settings: BenchSettings, energy: EnergyMeter) {
        self.settings = settings
        self.energy = energy
        startEnergy = energy.read()
    }

    /// Starts a daemon, classifies `image` as soon as it answers, stops it.
    ///
    /// - Returns: the sample (`startup` is process start to the request's connect; `total` start to
    ///   answer), the daemon's own `startup_ms` from `/v1/status`, and the precision it answered with.
    /// - Throws: ``BenchError`` with the daemon's log when it exits or does not answer in time.
    func classify(model: String, image: [UInt8], resize: ResizeMode, bundle: ModelBundle) async throws -> (BenchSample, Double?, String?) {
        var body = image
        var resizeMs: Double?
        if resize == .client {
            let resized = try ClientResizer.resize(image, minimumSize: InputGeometry(manifest: bundle.manifest).minimumDecodeSize)
            body = resized.bytes
            resizeMs = resized.milliseconds
        }
        let binary = try ChildProcess.siblingBinary("inferd", override: "INFERD_BINARY")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-bench-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socket = directory + "/inferd.sock", log = directory + "/inferd.log"
        var environment = ProcessInfo.processInfo.environment
        for key in ["INFERD_SOCKET", "INFERD_CONFIG", "INFERD_PRELOAD", "INFERD_CACHE_DIR", "LISTEN_FDS", "LISTEN_PID", "NOTIFY_SOCKET", "INVOCATION_ID"] {
            environment.removeValue(forKey: key)
        }
        let watch = Stopwatch()
        let daemon = try ChildProcess(binary, ["--socket", socket, "--models", settings.modelsDirectory,
                                               "--threads", String(settings.threads), "--precision", settings.precision.rawValue,
                                               "--log-level", "warning"],
                                      stdout: log, stderr: log, environment: environment)
        let client = InferdClient(socketPath: socket, timeout: settings.timeout)
        let result: ClassifyResult
        do {
            result = try await firstAnswer(client, daemon: daemon, model: model, image: body, log: log)
        } catch {
            daemon.signal(SIGKILL)
            _ = daemon.wait()
            throw error
        }
        let wall = watch.elapsedMilliseconds
        let status = try? await client.status()
        if let used = ProcessUsage.read(pid: daemon.pid) {
            usage.cpuSeconds += used.cpuSeconds
            usage.minorFaults += used.minorFaults
            usage.majorFaults += used.majorFaults
        }
        if let hwm = ProcessUsage.peakResidentBytes(pid: daemon.pid) {
            peak = max(peak, hwm)
            peakKnown = true
        }
        daemonWall += wall
        daemon.signal(SIGTERM)
        _ = daemon.wait()

        var sample = BenchSample(daemon: result, clientResize: resizeMs)
        sample.startup = max(0, wall - result.client.endToEnd)
        sample.total = wall + (resizeMs ?? 0)
        return (sample, status?.startupMilliseconds, result.response.precision)
    }

    /// Sends the request until the daemon answers it: while nothing listens yet (or it says 503), retry
    /// every millisecond.
    private func firstAnswer(_ client: InferdClient, daemon: ChildProcess, model: String, image: [UInt8], log: String) async throws -> ClassifyResult {
        let deadline = ContinuousClock.now + .seconds(120)
        while true {
            let failure: ClientError
            do {
                return try await client.classify(model: model, image: image, top: settings.top)
            } catch {
                failure = error
            }
            guard failure.code == .daemonUnreachable || failure.status == 503 else { throw failure }
            if daemon.hasExited() { throw BenchError("the fresh inferd exited before answering: \(Self.tail(log))") }
            guard ContinuousClock.now < deadline else { throw BenchError("the fresh inferd did not answer within 120 s: \(Self.tail(log))") }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    /// The fresh daemons' resources from start to answer: CPU and faults summed, the largest peak RSS.
    func finish() -> CellResources {
        let joules = energy.joules(from: startEnergy, to: energy.read())
        return CellResources(measured: "fresh daemons",
                             cpuPercent: CellMeter.percent(cpuSeconds: usage.cpuSeconds, wallMilliseconds: daemonWall),
                             peakRSSBytes: peakKnown ? peak : nil, peakRSSNote: "largest fresh daemon's peak since its start (VmHWM)",
                             minorFaults: usage.minorFaults, majorFaults: usage.majorFaults,
                             energyJoules: joules, energyNote: CellMeter.energyNote(energy, joules),
                             wallMilliseconds: watch.elapsedMilliseconds, cpuSeconds: usage.cpuSeconds)
    }

    private static func tail(_ path: String) -> String {
        String(((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").suffix(800))
    }
}

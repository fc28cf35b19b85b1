import Core
import Foundation

/// An `in-process` cell: every request is a fresh `inferctl classify --in-process --json` child — the
/// no-daemon baseline, where each invocation starts the runtime and loads the model.
final class InProcessCell {
    private let settings: BenchSettings
    private let energy: EnergyMeter
    private let binary: String
    private let directory: String
    private let startEnergy: [Double]?
    private let watch = Stopwatch()
    private var usage = ProcessUsage(cpuSeconds: 0, minorFaults: 0, majorFaults: 0)
    private var childWall = 0.0
    private var peak: Int64 = 0
    /// The precision the children reported.
    private(set) var precision: String?

    init(settings: BenchSettings, energy: EnergyMeter) throws {
        self.settings = settings
        self.energy = energy
        binary = try ChildProcess.siblingBinary("inferctl", override: "INFERCTL_BINARY")
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("inferctl-bench-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        startEnergy = energy.read()
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Runs one child on `path` and turns its JSON record into a sample.
    ///
    /// - Throws: ``BenchError`` with the child's stderr when it fails or prints no record.
    func classify(model: String, path: String, resize: ResizeMode) throws -> BenchSample {
        let out = directory + "/stdout", err = directory + "/stderr"
        try? FileManager.default.removeItem(atPath: out)
        try? FileManager.default.removeItem(atPath: err)
        let arguments = ["classify", "--in-process", "--json", "--models", settings.modelsDirectory, "--model", model,
                         "--top", String(settings.top), "--threads", String(settings.threads),
                         "--precision", settings.precision.rawValue, "--resize", resize.rawValue, path]
        let exit = try ChildProcess(binary, arguments, stdout: out, stderr: err).wait()
        usage.cpuSeconds += exit.usage.cpuSeconds
        usage.minorFaults += exit.usage.minorFaults
        usage.majorFaults += exit.usage.majorFaults
        childWall += exit.wallMilliseconds
        peak = max(peak, exit.peakResidentBytes)
        let stdout = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        guard exit.status == 0,
              let records = try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [[String: Any]],
              let record = records.first, let timings = record["timings_ms"] as? [String: Any] else {
            let stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
            throw BenchError("inferctl \(arguments.joined(separator: " ")) exited \(exit.status): \(stderr.prefix(500))")
        }
        func ms(_ key: String) -> Double { timings[key] as? Double ?? 0 }
        precision = record["precision"] as? String ?? precision
        let clientResize = timings["client_resize"] as? Double
        let endToEnd = ms("end_to_end")
        return BenchSample(load: ms("runtime_init") + ms("load"), rescale: (clientResize ?? 0) + ms("decode") + ms("preprocess"),
                           upload: 0, compute: ms("compute") + ms("postprocess"), startup: max(0, exit.wallMilliseconds - endToEnd),
                           total: exit.wallMilliseconds, cold: record["cold"] as? Bool ?? true,
                           bytesSent: record["bytes_sent"] as? Int ?? 0, clientResize: clientResize)
    }

    /// The children's resources: CPU and faults summed, the largest peak RSS.
    func finish() -> CellResources {
        let joules = energy.joules(from: startEnergy, to: energy.read())
        return CellResources(measured: "in-process children",
                             cpuPercent: CellMeter.percent(cpuSeconds: usage.cpuSeconds, wallMilliseconds: childWall),
                             peakRSSBytes: peak > 0 ? peak : nil, peakRSSNote: "largest child's peak (wait4 ru_maxrss)",
                             minorFaults: usage.minorFaults, majorFaults: usage.majorFaults,
                             energyJoules: joules, energyNote: CellMeter.energyNote(energy, joules),
                             wallMilliseconds: watch.elapsedMilliseconds, cpuSeconds: usage.cpuSeconds)
    }
}

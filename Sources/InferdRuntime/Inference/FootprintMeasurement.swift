import Core
import Foundation
import InferdWire
import Logging

/// The measuring process of ``FootprintMeter``: `inferd --measure-footprint SPEC` (a JSON ``Spec``)
/// starts the engine as the daemon does (device plugin loaded and warmed up first, so neither
/// counts), loads the model once with warm-up, and writes a ``Result`` on stdout.
public enum FootprintMeasurement {
    /// The hidden command-line flag that turns the daemon's binary into the measuring process.
    public static let flag = "--measure-footprint"

    /// What to measure.
    struct Spec: Codable {
        /// The model bundle's folder.
        var bundleDirectory: String
        /// The daemon's engine options with the precision resolved (never `auto`), cache directory included.
        var options: EngineOptions
    }

    /// What the load added.
    struct Result: Codable {
        var bytes: Int64
        var loadMilliseconds: Double
    }

    /// Runs the measurement for `specification` (a JSON ``Spec``) and writes the result to `output`,
    /// at the lowest CPU priority (it runs beside a serving daemon).
    ///
    /// - Throws: a readable reason (bad spec, OpenVINO's error, an invalid bundle).
    public static func run(_ specification: String, output: FileHandle = .standardOutput) throws {
        setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        let spec: Spec
        do {
            spec = try JSONDecoder().decode(Spec.self, from: Data(specification.utf8))
        } catch {
            throw FootprintError("\(flag) takes a JSON spec (it is inferd's own measuring process, started by the daemon): \(error)")
        }
        guard spec.options.precision != .auto else { throw FootprintError("the spec's precision must be resolved, not auto") }
        let engine = try Engine()
        _ = try engine.prepareDevice(spec.options.device)
        let loader = ModelLoader(engine: engine, options: spec.options, logger: Logger(label: "inferd.footprint"))
        _ = try loader.warmUpEngine()
        let bundle = try ModelBundle.load(from: spec.bundleDirectory)
        let report = try loader.load(bundle, warmUp: true).loadReport
        let result = Result(bytes: report.residentBytes, loadMilliseconds: report.totalMilliseconds)
        try output.write(contentsOf: JSONEncoder().encode(result))
    }
}

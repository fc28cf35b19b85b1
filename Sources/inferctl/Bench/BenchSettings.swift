import InferdWire

/// What one `inferctl bench` run measures, resolved from its options.
struct BenchSettings: Sendable {
    var models: [String]
    var groups: [BenchImageGroup]
    var modes: [BenchMode]
    var resizes: [ResizeMode]
    /// Passes over each group's images per cell (daemon-cold-start: fresh daemons per cell).
    var repetitions: Int
    /// Unrecorded passes before a warm cell.
    var warmup: Int
    var top: Int
    /// Model bundles: for client-side resize, in-process children and fresh daemons.
    var modelsDirectory: String
    /// Engine settings for in-process children and fresh daemons (the running daemon's by default).
    var threads: Int
    var precision: EngineOptions.Precision
    /// How long one answer may take.
    var timeout: Duration

    /// Samples a cell of `mode` will record.
    func samples(in group: BenchImageGroup, mode: BenchMode) -> Int {
        mode == .daemonColdStart ? repetitions : repetitions * group.paths.count
    }

    /// Samples the whole run will record (for the progress bar).
    var totalSamples: Int {
        models.count * resizes.count * groups.reduce(0) { sum, group in
            sum + modes.reduce(0) { $0 + samples(in: group, mode: $1) }
        }
    }
}

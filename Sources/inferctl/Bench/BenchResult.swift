import InferdStudy

/// Everything one `inferctl bench` run measured, as `--json` prints it (stable keys, every key present).
struct BenchResult: Codable, Sendable {
    var host: HostInfo
    var settings: Settings
    var cells: [BenchCell]
    /// The paper's client-versus-server resize rule per model and group (needs `--resize both`).
    var resizeRule: [ResizeRule]
    /// One sentence per model: when downscaling first pays off.
    var resizeVerdicts: [String]
    /// Per model, the resident memory its load added to the daemon (measured by the daemon around the
    /// load, heap trimmed on both sides), bytes: the load phase's lasting RSS growth.
    var modelBytes: [String: Int64]?

    /// The options the run was made with.
    struct Settings: Codable, Sendable {
        var models: [String]
        var groups: [String]
        var modes: [String]
        var resize: [String]
        var repetitions: Int
        var warmup: Int
        var top: Int
        var threads: Int
        var precision: String
    }

    enum CodingKeys: String, CodingKey {
        case host, settings, cells
        case resizeRule = "resize_rule"
        case resizeVerdicts = "resize_verdicts"
        case modelBytes = "model_bytes"
    }

    /// The simulator's per-model costs: bytes as the daemon measured them while warm (else the
    /// `fallbackBytes`), load from the cold cells (else in-process), compute from the warm cells.
    func profile(measuredBytes: [String: Int64], fallbackBytes: [String: Int64]) -> ModelProfile {
        var models: [String: ModelProfile.Costs] = [:]
        for model in settings.models {
            let mine = cells.filter { $0.model == model && $0.resize == ResizeMode.server.rawValue }
            let loadCells = mine.filter { $0.mode == .cold }.isEmpty ? mine.filter { $0.mode == .inProcess } : mine.filter { $0.mode == .cold }
            let computeCells = mine.filter { $0.mode == .warm }.isEmpty ? mine : mine.filter { $0.mode == .warm }
            func mean(_ cells: [BenchCell], _ value: (BenchCell) -> Double) -> Double {
                cells.isEmpty ? 0 : cells.map(value).reduce(0, +) / Double(cells.count)
            }
            models[model] = ModelProfile.Costs(bytes: measuredBytes[model] ?? fallbackBytes[model] ?? 0,
                                               loadMilliseconds: mean(loadCells) { $0.columns.load.mean },
                                               computeMilliseconds: mean(computeCells) { $0.columns.compute.mean })
        }
        return ModelProfile(models: models)
    }
}

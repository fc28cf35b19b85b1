import Foundation

/// The paper's own figures, read from a reference file shipped in the repository
/// (`benchmarks/paper/reference.json`, passed with `inferctl bench --paper FILE`), so the report draws
/// them beside this host's: Table III's four modes, the per-model values of Fig. 4 and the bound of
/// Fig. 5 as far as the paper's text gives them, and Table IV's garbage collection.
///
/// Every figure in the file was copied from the paper's text with its table, figure and section;
/// where a figure is only a chart, the file says so (`chart_only`) instead of holding numbers.
struct PaperReference: Decodable, Sendable {
    struct Paper: Decodable, Sendable {
        var title: String
        var device: String
        var cloud: String
    }

    /// One row of Table III: an inference mode, its time breakdown (ms) and the phone's resources.
    struct ModeRow: Decodable, Sendable {
        var mode: String
        /// `cloud` or `device`.
        var placement: String
        var loadMs: Double
        var rescaleMs: Double
        var uploadMs: Double
        var computeMs: Double
        var cpuPercent: Double
        var gpuPercent: Double
        var batteryMw: Double
        var memoryMb: Double

        /// The paper's inference time: rescale + upload + compute (load amortised, Section IV.B.1).
        var inferenceMs: Double { rescaleMs + uploadMs + computeMs }
        /// The paper's energy per inference: inference time × battery power (Section IV.B.2), mWh.
        var energyMwh: Double { inferenceMs / 3_600_000 * batteryMw }
        /// Load over load plus inference: the load's share of a first answer.
        var loadShare: Double { loadMs / max(0.001, loadMs + inferenceMs) }
    }

    /// A figure the text states in a sentence, with the sentence.
    struct Stated: Decodable, Sendable {
        var what: String
        var value: Double
        var unit: String
        var source: String
        var quote: String
        var approximate: Bool?
    }

    struct Table3: Decodable, Sendable {
        var source: String
        var rows: [ModeRow]
        var stated: [Stated]
    }

    /// A per-model value of Fig. 4 that the text gives.
    struct ModelValue: Decodable, Sendable {
        var model: String
        var framework: String
        /// `load` or `compute`.
        var quantity: String
        var ms: Double
        /// `mean`, `at most (…)`, …
        var kind: String
        var source: String
        var quote: String
    }

    struct Fig4: Decodable, Sendable {
        var source: String
        var chartOnly: String
        var values: [ModelValue]
        var stated: [Stated]
    }

    struct RescaleBound: Decodable, Sendable {
        var group: String
        var kbAtMost: Double
        var rescaleMsAtMost: Double
        var source: String
        var quote: String
    }

    struct Upload: Decodable, Sendable {
        var kb: Double
        var ms: Double
        var source: String
    }

    struct Fig5: Decodable, Sendable {
        var source: String
        var chartOnly: String
        var values: [RescaleBound]
        var upload: Upload
    }

    /// One row of Table IV: garbage collection in one phase of CNNDroid-based inference.
    struct GCRow: Decodable, Sendable {
        var inference: String
        var model: String
        var phase: String
        var durationMs: Double
        var gcCount: Double
        var gcTimeMs: Double
        var gcPauseMs: Double
    }

    struct Table4: Decodable, Sendable {
        var source: String
        var note: String
        var rows: [GCRow]
    }

    var paper: Paper
    var table3: Table3
    var fig4: Fig4
    var fig5: Fig5
    var table4: Table4

    /// The reference in `path`.
    ///
    /// - Throws: ``BenchError`` when the file cannot be read or is not a paper reference.
    static func load(_ path: String) throws -> PaperReference {
        guard let data = FileManager.default.contents(atPath: path) else { throw BenchError("cannot read the paper reference \(path)") }
        do {
            // The file's keys are the properties' names in snake_case (`load_ms`, `chart_only`).
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try decoder.decode(PaperReference.self, from: data)
        } catch {
            throw BenchError("\(path) is not a paper reference: \(error)")
        }
    }

    /// A stated figure by its `what`, when the file has it.
    func stated(_ what: String) -> Stated? { (table3.stated + fig4.stated).first { $0.what == what } }
}

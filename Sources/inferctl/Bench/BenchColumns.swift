import Core
import InferdStudy

/// The paper's columns of one cell, each summarised over the cell's samples (mean, p50, p95, p99).
struct BenchColumns: Codable, Sendable, Equatable {
    var load: LatencySummary
    var rescale: LatencySummary
    var upload: LatencySummary
    var compute: LatencySummary
    var startup: LatencySummary
    var total: LatencySummary

    /// Column names in table order, with the sample field each summarises.
    static var fields: [(name: String, value: (BenchSample) -> Double, summary: KeyPath<BenchColumns, LatencySummary>)] {
        [
            ("load", { $0.load }, \.load),
            ("rescale", { $0.rescale }, \.rescale),
            ("upload", { $0.upload }, \.upload),
            ("compute", { $0.compute }, \.compute),
            ("startup", { $0.startup }, \.startup),
            ("total", { $0.total }, \.total),
        ]
    }

    /// Summaries of `samples` through HdrHistogram.
    init(_ samples: [BenchSample]) {
        func summarise(_ value: (BenchSample) -> Double) -> LatencySummary {
            LatencyHistogram(samples.map(value)).summary
        }
        load = summarise(\.load)
        rescale = summarise(\.rescale)
        upload = summarise(\.upload)
        compute = summarise(\.compute)
        startup = summarise(\.startup)
        total = summarise(\.total)
    }
}

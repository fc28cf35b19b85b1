import Foundation

/// `--csv`: one row per cell, every summary figure in its own column.
enum BenchCSV {
    static func render(_ result: BenchResult) -> String {
        var header = ["model", "group", "mode", "resize", "width", "height", "samples", "cold_answers", "mean_bytes_sent", "precision"]
        for field in BenchColumns.fields {
            header += ["mean", "p50", "p95", "p99", "min", "max"].map { "\(field.name)_\($0)_ms" }
        }
        header += ["client_resize_mean_ms", "daemon_startup_mean_ms", "cpu_percent", "peak_rss_bytes", "minor_faults", "major_faults", "energy_joules", "wall_ms"]
        var lines = [header.joined(separator: ",")]
        for cell in result.cells {
            var row = [cell.model, cell.group, cell.mode.rawValue, cell.resize, optional(cell.width), optional(cell.height),
                       String(cell.samples), String(cell.coldAnswers), number(cell.meanBytesSent), cell.precision ?? ""]
            for field in BenchColumns.fields {
                let s = cell.columns[keyPath: field.summary]
                row += [s.mean, s.p50, s.p95, s.p99, s.min, s.max].map(number)
            }
            let r = cell.resources
            row += [cell.clientResize.map { number($0.mean) } ?? "", cell.daemonStartup.map { number($0.mean) } ?? "",
                    r.cpuPercent.map(number) ?? "", optional(r.peakRSSBytes), optional(r.minorFaults), optional(r.majorFaults),
                    r.energyJoules.map(number) ?? "", number(r.wallMilliseconds)]
            lines.append(row.map(quote).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func number(_ value: Double) -> String { String(format: "%.4f", value) }
    static func optional<T: BinaryInteger>(_ value: T?) -> String { value.map { String($0) } ?? "" }
    static func quote(_ field: String) -> String {
        field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }
}

import Foundation
import InferdStudy

/// `--report DIR`: the benchmark as a self-contained HTML page (`DIR/index.html`) with the paper's
/// figures as inline SVG — the breakdown per model cold versus warm (Fig. 4) and rescale time against
/// image size (Fig. 5) — plus the resize rule and every cell's figures; the JSON beside it
/// (`DIR/bench.json`).
enum BenchReport {
    /// The stacked segments of a breakdown bar.
    static let segments = ["load model", "rescale bitmap", "upload", "compute probability", "process start", "other"]

    /// The page.
    static func html(_ result: BenchResult) -> String {
        let host = result.host
        var report = HTMLReport(title: "inferd bench: cold versus warm on this host",
                                subtitle: "\(host.cpu), \(host.cores) cores, OpenVINO \(host.openvino), threads \(host.threads.map(String.init) ?? "?") (0 = all cores), precision \(host.precision ?? "?"), \(host.date)")
        report.paragraph("Models × image groups × modes, \(result.settings.repetitions) repetition(s) per image, \(result.settings.warmup) warm-up pass(es) before warm cells. Times are means in milliseconds; every cell's percentiles are in the table below and in bench.json.")

        report.heading("Breakdown per model, cold versus warm (the paper's Fig. 4)")
        for group in groups(result) {
            let cells = result.cells.filter { $0.group == group && $0.resize == preferredResize(result) }
            guard !cells.isEmpty else { continue }
            report.chart(breakdownChart(cells, title: "Where the time goes, \(group) images (resize on the \(preferredResize(result)))").render(),
                         caption: "Stacked means per model and mode: load model, rescale bitmap (decode + preprocess, plus the client's downscale), upload (transfer over the socket), compute probability, process start (in-process and daemon-cold-start), other (queueing and the rest).")
            let warm = cells.filter { $0.mode == .warm }
            if !warm.isEmpty {
                report.chart(breakdownChart(warm, title: "Warm only, \(group) images").render(),
                             caption: "The warm bars alone, on their own scale: what an answer costs once the model is resident.")
            }
        }

        let cloudCells = result.cells.filter { $0.mode == .cloud }
        if !cloudCells.isEmpty {
            report.heading("Device versus cloud (the paper's Table III)")
            report.paragraph("Mean total per request, ms: on this device cold (the load paid) and warm, and in the cloud (the remote warm; its upload column is the network: end to end minus the remote's own time).")
            report.table(headers: ["model", "group", "device cold", "device warm", "cloud", "cloud: upload", "cloud: compute", "cold ÷ cloud"],
                         rows: cloudCells.map { cloud in
                             func device(_ mode: BenchMode) -> BenchCell? {
                                 result.cells.first { $0.model == cloud.model && $0.group == cloud.group && $0.resize == cloud.resize && $0.mode == mode }
                             }
                             let cold = device(.cold)?.columns.total.mean, warm = device(.warm)?.columns.total.mean
                             let ratio = cold.map { String(format: "%.1f×", $0 / max(cloud.columns.total.mean, 0.001)) } ?? "-"
                             return [cloud.model, cloud.group, cold.map(ms) ?? "-", warm.map(ms) ?? "-", ms(cloud.columns.total.mean),
                                     ms(cloud.columns.upload.mean), ms(cloud.columns.compute.mean), ratio]
                         })
        }

        let rescale = rescaleChart(result)
        if !rescale.series.isEmpty {
            report.heading("Rescale time against image size (the paper's Fig. 5)")
            report.chart(rescale.render(), caption: "Mean rescale time (decode with DCT scaling + preprocess, plus the client's downscale with --resize client) in warm cells, against the original image's megapixels.")
        }

        if !result.resizeRule.isEmpty {
            report.heading("Downscale on the client? T_d(x1,x2) + T_n(x2) <= T_n(x1)")
            report.table(headers: ["mode", "model", "group", "bytes x1", "bytes x2", "T_d ms", "T_n(x2) ms", "T_n(x1) ms", "paper rule",
                                   "e2e client ms", "e2e server ms", "pays off", "break-even MB/s"],
                         rows: result.resizeRule.map { r in
                             [r.mode, r.model, r.group, String(Int(r.bytesOriginal)), String(Int(r.bytesDownscaled)), ms(r.downscaleMs),
                              ms(r.transferDownscaledMs), ms(r.transferOriginalMs), r.paperRuleHolds ? "holds" : "fails",
                              ms(r.totalClientResizeMs), ms(r.totalServerResizeMs), r.endToEndPaysOff ? "yes" : "no",
                              r.breakEvenMBps.map { String(format: "%.1f", $0) } ?? "-"]
                         })
            for verdict in result.resizeVerdicts { report.paragraph(verdict) }
        }

        report.heading("Every cell")
        report.table(headers: ["model", "group", "mode", "resize", "n", "load", "rescale", "upload", "compute", "startup",
                               "total", "p50", "p95", "p99", "CPU %", "peak RSS MB", "minflt", "majflt", "energy J"],
                     rows: result.cells.map { cell in
                         let c = cell.columns, r = cell.resources
                         return [cell.model, cell.group, cell.mode.rawValue, cell.resize, String(cell.samples),
                                 ms(c.load.mean), ms(c.rescale.mean), ms(c.upload.mean), ms(c.compute.mean), ms(c.startup.mean),
                                 ms(c.total.mean), ms(c.total.p50), ms(c.total.p95), ms(c.total.p99),
                                 r.cpuPercent.map { String(format: "%.0f", $0) } ?? "n/a",
                                 r.peakRSSBytes.map { String(format: "%.1f", Double($0) / 1e6) } ?? "n/a",
                                 r.minorFaults.map(String.init) ?? "n/a", r.majorFaults.map(String.init) ?? "n/a",
                                 r.energyJoules.map { String(format: "%.2f", $0) } ?? "n/a"]
                     })
        var notes = Set<String>()
        for cell in result.cells { notes.formUnion(cell.notes) }
        if let energy = result.cells.first(where: { $0.resources.energyJoules == nil })?.resources.energyNote { notes.insert("energy: \(energy)") }
        for note in notes.sorted() { report.paragraph("Note: \(note).") }
        return report.render()
    }

    /// One stacked bar per cell: `model mode`.
    static func breakdownChart(_ cells: [BenchCell], title: String) -> SVGBarChart {
        let bars = cells.map { cell -> SVGBarChart.Bar in
            let c = cell.columns
            let known = c.load.mean + c.rescale.mean + c.upload.mean + c.compute.mean + c.startup.mean
            return SVGBarChart.Bar(label: "\(cell.model) \(cell.mode.rawValue)",
                                   values: [c.load.mean, c.rescale.mean, c.upload.mean, c.compute.mean, c.startup.mean,
                                            max(0, c.total.mean - known)])
        }
        return SVGBarChart(title: title, yLabel: "ms", series: segments, bars: bars,
                           width: max(760, Double(bars.count) * 90 + 100))
    }

    /// Rescale ms against megapixels, one line per model and resize choice, from warm cells (or any
    /// daemon cells when there are no warm ones).
    static func rescaleChart(_ result: BenchResult) -> SVGLineChart {
        let warm = result.cells.filter { $0.mode == .warm }
        let source = warm.isEmpty ? result.cells.filter { $0.mode == .cold } : warm
        var series: [SVGLineChart.Series] = []
        var keys: [String] = []
        for cell in source where !keys.contains("\(cell.model) resize=\(cell.resize)") { keys.append("\(cell.model) resize=\(cell.resize)") }
        for key in keys {
            let points = source.filter { "\($0.model) resize=\($0.resize)" == key }
                .compactMap { cell -> SVGLineChart.Point? in
                    guard let w = cell.width, let h = cell.height else { return nil }
                    return SVGLineChart.Point(x: Double(w * h) / 1e6, y: cell.columns.rescale.mean)
                }
                .sorted { $0.x < $1.x }
            if !points.isEmpty { series.append(SVGLineChart.Series(name: key, points: points)) }
        }
        return SVGLineChart(title: "Rescale bitmap time against image size", xLabel: "megapixels", yLabel: "ms", series: series)
    }

    static func groups(_ result: BenchResult) -> [String] {
        var names: [String] = []
        for cell in result.cells where !names.contains(cell.group) { names.append(cell.group) }
        return names
    }

    /// Server resize when measured (the paper's default), else client.
    static func preferredResize(_ result: BenchResult) -> String {
        result.cells.contains { $0.resize == ResizeMode.server.rawValue } ? ResizeMode.server.rawValue : ResizeMode.client.rawValue
    }

    static func ms(_ value: Double) -> String { HumanFormat.milliseconds(value) }
}

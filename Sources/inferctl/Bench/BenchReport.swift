import Foundation
import InferdStudy

/// `--report DIR`: the benchmark as a self-contained HTML page (`DIR/index.html`) with the paper's
/// figures as inline SVG — the breakdown per model cold versus warm (Fig. 4) and rescale time against
/// image size (Fig. 5) — plus the resize rule and every cell's figures; the JSON beside it
/// (`DIR/bench.json`).
enum BenchReport {
    /// The stacked segments of a breakdown bar.
    static let segments = ["load model", "rescale bitmap", "upload", "compute probability", "process start", "other"]

    /// The page; with `paper`, the paper's figures are drawn and tabled beside this host's.
    static func html(_ result: BenchResult, paper: PaperReference? = nil) -> String {
        let host = result.host
        var report = HTMLReport(title: "inferd bench: cold versus warm on this host",
                                subtitle: "\(host.cpu), \(host.cores) cores, OpenVINO \(host.openvino), threads \(host.threads.map(String.init) ?? "?") (0 = all cores), precision \(host.precision ?? "?"), \(host.date), load average at the start \(host.loadAverage.map { String(format: "%.2f", $0) }.joined(separator: " "))")
        report.paragraph("Models × image groups × modes, \(result.settings.repetitions) repetition(s) per image, \(result.settings.warmup) warm-up pass(es) before warm cells. Bars are medians: each step's median stacked, a black line at the median total, the whisker from the fastest to the slowest answer, and n samples under the label. Every cell's mean and percentiles are in the last table and in bench.json.")

        if let paper { PaperComparison(result: result, paper: paper).addTable3(to: &report) }
        if let paper { PaperComparison(result: result, paper: paper).addRatios(to: &report) }

        report.heading("Breakdown per model, cold versus warm (the paper's Fig. 4)")
        for group in groups(result) {
            let cells = result.cells.filter { $0.group == group && $0.resize == preferredResize(result) }
            guard !cells.isEmpty else { continue }
            report.chart(breakdownChart(cells, title: "Where the time goes, \(group) images (resize on the \(preferredResize(result)))").render(),
                         caption: "Medians per model and mode: load model, rescale bitmap (decode + preprocess, plus the client's downscale), upload (transfer: the socket, or the link for the cloud), compute probability, process start (in-process and daemon-cold-start), other (queueing and the rest, to the median total). Whisker: min–max of the total.")
            let warm = cells.filter { $0.mode == .warm }
            if !warm.isEmpty {
                report.chart(breakdownChart(warm, title: "Warm only, \(group) images").render(),
                             caption: "The warm bars alone, on their own scale: what an answer costs once the model is resident.")
            }
        }
        if let paper { PaperComparison(result: result, paper: paper).addFig4(to: &report) }

        let cloudCells = result.cells.filter { $0.mode == .cloud }
        if !cloudCells.isEmpty {
            report.heading("Device versus cloud, per model and image size")
            report.paragraph("Median total per request, ms: on this device cold (the load paid) and warm, and in the cloud (the remote warm; its upload column is the network: end to end minus the remote's own time). Resize says who downscaled the photo: the client before sending, or the server.")
            report.table(headers: ["model", "group", "resize", "device cold", "device warm", "cloud", "cloud: upload", "cloud: compute", "cold ÷ cloud", "n"],
                         rows: cloudCells.map { cloud in
                             func device(_ mode: BenchMode) -> BenchCell? {
                                 result.cells.first { $0.model == cloud.model && $0.group == cloud.group && $0.resize == cloud.resize && $0.mode == mode }
                             }
                             let cold = device(.cold)?.columns.total.p50, warm = device(.warm)?.columns.total.p50
                             let ratio = cold.map { String(format: "%.1f×", $0 / max(cloud.columns.total.p50, 0.001)) } ?? "-"
                             return [cloud.model, cloud.group, cloud.resize, cold.map(ms) ?? "-", warm.map(ms) ?? "-", ms(cloud.columns.total.p50),
                                     ms(cloud.columns.upload.p50), ms(cloud.columns.compute.p50), ratio, String(cloud.samples)]
                         }, rowHeaders: 3)
        }

        let rescale = rescaleChart(result, paper: paper)
        if !rescale.series.isEmpty {
            report.heading("Rescale time against image size (the paper's Fig. 5)")
            var caption = "Median rescale time (decode with DCT scaling + preprocess, plus the client's downscale with --resize client) in warm cells, against the original image's megapixels."
            if let paper, let bound = paper.fig5.values.first {
                caption += " The grey hollow point is the paper's only figure from its Fig. 5 in the text: at most \(Markup.number(bound.rescaleMsAtMost)) ms for its \(bound.group) images (under \(Markup.number(bound.kbAtMost)) KB), \(bound.source). \(paper.fig5.chartOnly)"
            }
            report.chart(rescale.render(), caption: caption)
        }

        if !result.resizeRule.isEmpty {
            report.heading("Downscale on the client? T_d(x1,x2) + T_n(x2) <= T_n(x1)")
            if let paper {
                report.paragraph("The paper: uploading \(Markup.number(paper.fig5.upload.kb)) KB took \(Markup.number(paper.fig5.upload.ms)) ms on average (\(paper.fig5.upload.source)), and resizing an image under 226 KB up to 38 ms, so it concluded that uploading its images directly was faster.")
            }
            report.table(headers: ["mode", "model", "group", "bytes x1", "bytes x2", "T_d ms", "T_n(x2) ms", "T_n(x1) ms", "paper rule",
                                   "e2e client ms", "e2e server ms", "pays off", "break-even MB/s"],
                         rows: result.resizeRule.map { r in
                             [r.mode, r.model, r.group, String(Int(r.bytesOriginal)), String(Int(r.bytesDownscaled)), ms(r.downscaleMs),
                              ms(r.transferDownscaledMs), ms(r.transferOriginalMs), r.paperRuleHolds ? "holds" : "fails",
                              ms(r.totalClientResizeMs), ms(r.totalServerResizeMs), r.endToEndPaysOff ? "yes" : "no",
                              r.breakEvenMBps.map { String(format: "%.1f", $0) } ?? "-"]
                         }, rowHeaders: 3)
            for verdict in result.resizeVerdicts { report.paragraph(verdict) }
        }

        if let paper { PaperComparison(result: result, paper: paper).addTable4(to: &report) }

        report.heading("Every cell")
        report.paragraph("Means and percentiles of the total, ms. Device CPU-s per request: user + system CPU of the process that served the cell on this host (the daemon; the in-process children; the fresh daemons) plus this inferctl's own, divided by n; for cloud cells only inferctl's (the remote's CPU is the cloud's, not the device's). Energy is RAPL (whole machine) where the host has it.")
        report.table(headers: ["model", "group", "mode", "resize", "n", "load", "rescale", "upload", "compute", "startup",
                               "total mean", "p50", "min", "max", "p95", "CPU %", "device CPU-s/request", "peak RSS MB", "minflt", "majflt", "energy J"],
                     rows: result.cells.map { cell in
                         let c = cell.columns, r = cell.resources
                         return [cell.model, cell.group, cell.mode.rawValue, cell.resize, String(cell.samples),
                                 ms(c.load.mean), ms(c.rescale.mean), ms(c.upload.mean), ms(c.compute.mean), ms(c.startup.mean),
                                 ms(c.total.mean), ms(c.total.p50), ms(c.total.min), ms(c.total.max), ms(c.total.p95),
                                 r.cpuPercent.map { String(format: "%.0f", $0) } ?? "n/a",
                                 r.deviceCPUSecondsPerRequest(samples: cell.samples, includeServer: cell.mode != .cloud).map { String(format: "%.4f", $0) } ?? "n/a",
                                 r.peakRSSBytes.map { String(format: "%.1f", Double($0) / 1e6) } ?? "n/a",
                                 r.minorFaults.map(String.init) ?? "n/a", r.majorFaults.map(String.init) ?? "n/a",
                                 r.energyJoules.map { String(format: "%.2f", $0) } ?? "n/a"]
                     }, rowHeaders: 4)
        var notes = Set<String>()
        for cell in result.cells { notes.formUnion(cell.notes) }
        if let energy = result.cells.first(where: { $0.resources.energyJoules == nil })?.resources.energyNote { notes.insert("energy: \(energy)") }
        for note in notes.sorted() { report.paragraph("Note: \(note).") }
        return report.render()
    }

    /// One stacked bar per cell, `model mode`: each step's median, the median total marked, the
    /// total's min–max as the whisker, n under the label.
    static func breakdownChart(_ cells: [BenchCell], title: String) -> SVGBarChart {
        let bars = cells.map { cell -> SVGBarChart.Bar in
            let c = cell.columns
            let known = c.load.p50 + c.rescale.p50 + c.upload.p50 + c.compute.p50 + c.startup.p50
            return SVGBarChart.Bar(label: "\(cell.model) \(cell.mode.rawValue)",
                                   values: [c.load.p50, c.rescale.p50, c.upload.p50, c.compute.p50, c.startup.p50,
                                            max(0, c.total.p50 - known)],
                                   whisker: c.total.min...max(c.total.min, c.total.max), marker: c.total.p50, count: cell.samples)
        }
        return SVGBarChart(title: title, yLabel: "ms", series: segments, bars: bars,
                           footnote: "Bars: medians of each step; black line: median total; whisker: min–max of the total; n: samples.",
                           width: 960, height: 460)
    }

    /// Rescale ms against megapixels, one line per model and resize choice, from warm cells (or any
    /// daemon cells when there are no warm ones).
    static func rescaleChart(_ result: BenchResult, paper: PaperReference? = nil) -> SVGLineChart {
        let warm = result.cells.filter { $0.mode == .warm }
        let source = warm.isEmpty ? result.cells.filter { $0.mode == .cold } : warm
        var series: [SVGLineChart.Series] = []
        var keys: [String] = []
        for cell in source where !keys.contains("\(cell.model) resize=\(cell.resize)") { keys.append("\(cell.model) resize=\(cell.resize)") }
        for key in keys {
            let points = source.filter { "\($0.model) resize=\($0.resize)" == key }
                .compactMap { cell -> SVGLineChart.Point? in
                    guard let w = cell.width, let h = cell.height else { return nil }
                    return SVGLineChart.Point(x: Double(w * h) / 1e6, y: cell.columns.rescale.p50)
                }
                .sorted { $0.x < $1.x }
            if !points.isEmpty { series.append(SVGLineChart.Series(name: key, points: points)) }
        }
        // The paper's one figure from Fig. 5 in its text: an upper bound for its smallest group.
        for bound in paper?.fig5.values ?? [] {
            let sides = bound.group.split(separator: "x").compactMap { Double($0) }
            guard sides.count == 2 else { continue }
            series.append(SVGLineChart.Series(name: "the paper: at most \(Markup.number(bound.rescaleMsAtMost)) ms, \(bound.group) (Nexus 5)",
                                              points: [SVGLineChart.Point(x: sides[0] * sides[1] / 1e6, y: bound.rescaleMsAtMost)],
                                              reference: true))
        }
        return SVGLineChart(title: "Rescale bitmap time against image size (medians)", xLabel: "megapixels", yLabel: "ms", series: series,
                            width: 960, height: 420)
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

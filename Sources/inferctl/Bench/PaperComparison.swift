import InferdStudy
import Foundation

/// The paper's figures beside this host's, for the report: Table III with the paper's four modes and
/// this host's device and cloud rows in the same columns, the headline ratios, the per-model values
/// of Fig. 4 that the paper's text gives, and Table IV's garbage collection against this host's page
/// faults and memory growth.
///
/// This host's figures are medians (p50) per cell; where a row stands for several cells (the paper
/// averaged over its three models and fifteen images) it is the mean of those cells' medians.
struct PaperComparison {
    let result: BenchResult
    let paper: PaperReference

    /// The paper's models that this run measured.
    var models: [String] { ["alexnet", "nin", "squeezenet"].filter(result.settings.models.contains) }

    /// One of this host's rows in the paper's Table III columns.
    struct HostRow {
        var label: String
        var load: Double
        var rescale: Double
        var upload: Double
        var compute: Double
        var total: Double
        /// Device CPU-seconds per request.
        var cpuSeconds: Double?
        /// Whole-machine RAPL joules per request, where measured.
        var joules: Double?
        var samples: Int
        var inference: Double { rescale + upload + compute }
    }

    /// This host's cells of `mode` and `resize` for the paper's models, every group.
    func cells(_ mode: BenchMode, resize: String) -> [BenchCell] {
        result.cells.filter { $0.mode == mode && $0.resize == resize && models.contains($0.model) }
    }

    /// The mean over `cells` of each column's median, or nil without cells.
    func row(_ label: String, _ cells: [BenchCell]) -> HostRow? {
        guard !cells.isEmpty else { return nil }
        func mean(_ value: (BenchCell) -> Double) -> Double { cells.map(value).reduce(0, +) / Double(cells.count) }
        let costs = cells.compactMap { cell in
            cell.resources.deviceCPUSecondsPerRequest(samples: cell.samples, includeServer: cell.mode != .cloud)
        }
        let joules = cells.compactMap { cell in cell.resources.energyJoules.map { $0 / Double(max(1, cell.samples)) } }
        return HostRow(label: label, load: mean { $0.columns.load.p50 }, rescale: mean { $0.columns.rescale.p50 },
                       upload: mean { $0.columns.upload.p50 }, compute: mean { $0.columns.compute.p50 },
                       total: mean { $0.columns.total.p50 },
                       cpuSeconds: costs.count == cells.count ? costs.reduce(0, +) / Double(costs.count) : nil,
                       joules: joules.count == cells.count ? joules.reduce(0, +) / Double(joules.count) : nil,
                       samples: cells.reduce(0) { $0 + $1.samples })
    }

    /// The device resizes on itself (server); the paper's cloud mode downscaled on the phone before
    /// the upload, so this host's cloud row is `--resize client` when measured.
    var hostRows: [HostRow] {
        let server = ResizeMode.server.rawValue, client = ResizeMode.client.rawValue
        let cloudResize = cells(.cloud, resize: client).isEmpty ? server : client
        return [
            row("device cold (inferd, the load paid)", cells(.cold, resize: server)),
            row("device warm (inferd, model resident)", cells(.warm, resize: server)),
            row("cloud (a warm inferd over the emulated Wi-Fi link, photo downscaled on the \(cloudResize == client ? "client" : "server"))",
                cells(.cloud, resize: cloudResize)),
        ].compactMap { $0 }
    }

    /// Adds the comparison's sections to `report`.
    func add(to report: inout HTMLReport) {
        addTable3(to: &report)
        addRatios(to: &report)
        addFig4(to: &report)
        addTable4(to: &report)
    }

    func addTable3(to report: inout HTMLReport) {
        let modelNames = models.joined(separator: ", ")
        report.heading("Table III: the paper's four modes beside this host")
        report.paragraph("The paper's rows are copied from its \(paper.table3.source): averages over fifteen images and three models on a \(paper.paper.device), against \(paper.paper.cloud). This host's rows are the mean over \(modelNames) and every image group of each cell's median, ms. Inference is rescale + upload + compute (the paper's definition, load amortised); first answer adds the load. Device cost: the paper's is the phone's battery power and the energy of one inference (its formula: inference time × power); this host has no RAPL counters unless the energy column says otherwise, so its device cost is CPU-seconds per request (user + system of the serving process on this host, plus inferctl's own).")
        var rows: [[String]] = paper.table3.rows.map { mode in
            ["the paper (Nexus 5)", mode.mode, f(mode.loadMs), f(mode.rescaleMs), f(mode.uploadMs), f(mode.computeMs), f(mode.inferenceMs),
             f(mode.loadMs + mode.inferenceMs), String(format: "%.2f W battery, %.3f mWh", mode.batteryMw / 1000, mode.energyMwh),
             "battery (Trepn), energy computed", "-"]
        }
        rows += hostRows.map { host in
            ["this host", host.label, f(host.load), f(host.rescale), f(host.upload), f(host.compute), f(host.inference), f(host.load + host.inference),
             host.cpuSeconds.map { String(format: "%.4f CPU-s", $0) } ?? "n/a",
             host.joules.map { String(format: "RAPL %.3f J; CPU-seconds", $0) } ?? "CPU-seconds (no RAPL)", String(host.samples)]
        }
        report.table(headers: ["source", "mode", "load model", "rescale bitmap", "upload bitmap", "compute probability", "inference",
                               "first answer", "device cost per inference", "device cost from", "n"], rows: rows, rowHeaders: 2)
        let bars = paper.table3.rows.map { mode in
            SVGBarChart.Bar(label: "paper: \(mode.mode)", values: [mode.loadMs, mode.rescaleMs, mode.uploadMs, mode.computeMs], reference: true)
        } + hostRows.map { host in
            SVGBarChart.Bar(label: "here: " + host.label.prefix { $0 != "(" }.trimmingCharacters(in: .whitespaces),
                            values: [host.load, host.rescale, host.upload, host.compute], count: host.samples)
        }
        report.chart(SVGBarChart(title: "Table III: time per step, the paper (pale, dashed) beside this host", yLabel: "ms",
                                 series: ["load model", "rescale bitmap", "upload bitmap", "compute probability"], bars: bars,
                                 scale: .logarithmic, referenceLegend: "the paper (Nexus 5, Table III)",
                                 footnote: "Log scale, steps side by side; a step of 0 ms (no load when warm, no upload on the device) has no bar.",
                                 width: 960, height: 440).render(),
                     caption: "The paper's four modes (its Table III) and this host's device cold, device warm and cloud rows, each step on its own bar.")
    }

    /// The headline ratios: device over cloud response time, load's share of a first answer, and
    /// device cost per inference device over cloud.
    func addRatios(to report: inout HTMLReport) {
        let rows = paper.table3.rows
        guard let cloudCPU = rows.first(where: { $0.mode == "Cloud+CPU" }), let cloudGPU = rows.first(where: { $0.mode == "Cloud+GPU" }),
              let caffe = rows.first(where: { $0.mode == "Device+Caffe" }), let droid = rows.first(where: { $0.mode == "Device+CNNDroid" })
        else { return }
        let host = hostRows
        let cold = host.first { $0.label.hasPrefix("device cold") }, warm = host.first { $0.label.hasPrefix("device warm") }
        let cloud = host.first { $0.label.hasPrefix("cloud") }
        func ratio(_ a: Double?, _ b: Double?) -> String {
            guard let a, let b, b > 0 else { return "n/a" }
            return String(format: "%.2f×", a / b)
        }
        func share(_ row: HostRow?) -> String { row.map { String(format: "%.0f %%", 100 * $0.load / max(0.001, $0.load + $0.inference)) } ?? "n/a" }
        report.heading("Ratios: the paper's headline figures against this host's")
        report.table(headers: ["ratio", "the paper", "from", "this host", "from"], rows: [
            ["device ÷ cloud response time (inference)",
             String(format: "%.1f× to %.1f×", droid.inferenceMs / cloudCPU.inferenceMs, caffe.inferenceMs / cloudGPU.inferenceMs),
             "Table III: CNNDroid ÷ Cloud+CPU to Caffe ÷ Cloud+GPU (its caption: \"at least six times\")",
             "warm \(ratio(warm?.inference, cloud?.inference)), cold \(ratio(cold.map { $0.load + $0.inference }, cloud?.inference))",
             "device warm (and cold, with the load) ÷ cloud, inference medians"],
            ["load share of a first (cold) answer",
             String(format: "%.0f %% (Caffe), %.0f %% (CNNDroid)", 100 * caffe.loadShare, 100 * droid.loadShare),
             "Table III: load ÷ (load + inference)", share(cold), "device cold: load ÷ (load + inference)"],
            ["device cost per inference, device ÷ cloud",
             String(format: "%.0f× (Caffe ÷ Cloud+GPU), %.1f× (CNNDroid ÷ Cloud+CPU)", caffe.energyMwh / cloudGPU.energyMwh, droid.energyMwh / cloudCPU.energyMwh),
             String(format: "energy, Table III time × power (Section IV.B.2 states %.3f and %.2f mWh)", paper.stated("energy per inference, cloud with GPU")?.value ?? .nan,
                    paper.stated("energy per inference, on-device, at most")?.value ?? .nan),
             "warm \(ratio(warm?.cpuSeconds, cloud?.cpuSeconds)), cold \(ratio(cold?.cpuSeconds, cloud?.cpuSeconds))",
             (host.contains { $0.joules != nil } ? "RAPL joules where shown, else " : "") + "CPU-seconds per request: device = inferd + inferctl, cloud = inferctl alone"],
        ], rowHeaders: 1)
    }

    /// The values of Fig. 4 that the paper's text gives, beside this host's medians for the model.
    func addFig4(to report: inout HTMLReport) {
        let server = ResizeMode.server.rawValue
        func host(_ value: PaperReference.ModelValue) -> HostRow? {
            let mode: BenchMode = value.quantity == "load" ? .cold : .warm
            return row(value.model, result.cells.filter { $0.model == value.model && $0.mode == mode && $0.resize == server })
        }
        func figure(_ value: PaperReference.ModelValue, _ row: HostRow) -> Double { value.quantity == "load" ? row.load : row.compute }
        let matched = paper.fig4.values.compactMap { value in host(value).map { (value, $0) } }
        guard !matched.isEmpty else { return }
        report.heading("Fig. 4: the paper's per-model values beside this host's")
        report.paragraph("\(paper.fig4.chartOnly) Source: \(paper.fig4.source). This host: the cold cells' load median and the warm cells' compute median (mean over the image groups), resize on the server.")
        report.table(headers: ["model", "quantity", "the paper's framework, statistic", "the paper", "this host", "paper ÷ this host", "source"],
                     rows: matched.map { value, row in
                         [value.model, value.quantity == "load" ? "load model" : "compute probability", "\(value.framework), \(value.kind)", f(value.ms),
                          f(figure(value, row)), times(value.ms / max(0.001, figure(value, row))), value.source]
                     }, rowHeaders: 3)
        let bars = matched.flatMap { value, row in
            [SVGBarChart.Bar(label: "paper: \(value.model) \(value.quantity) (\(value.framework))", values: [value.ms], reference: true),
             SVGBarChart.Bar(label: "here: \(value.model) \(value.quantity)", values: [figure(value, row)], count: row.samples)]
        }
        report.chart(SVGBarChart(title: "Fig. 4 values the paper's text gives, beside this host's medians", yLabel: "ms", series: ["ms"],
                                 bars: bars, scale: .logarithmic, referenceLegend: "the paper (Nexus 5, Section IV.C.1 / IV.D)",
                                 width: 960, height: 420).render(),
                     caption: "Pairs: the paper's figure (pale, dashed) and this host's for the same model and step. The paper's other Fig. 4 bars are not in its text and are not drawn.")
    }

    /// Table IV (GC per phase) and this host's counterpart: faults, memory growth and CPU per phase.
    func addTable4(to report: inout HTMLReport) {
        report.heading("Table IV: garbage collection in the paper, page faults and memory growth here")
        report.paragraph("The paper's \(paper.table4.source): \(paper.table4.note) inferd has no garbage collector (Swift frees by reference count, the runtime's buffers come from malloc), so its counterpart per phase is the memory activity the kernel counts: minor page faults (each first touch of memory the allocator obtained from the kernel, or of a file page), major faults (a page read from disk), how far the daemon's resident set grew over the cell (peak minus start), and the resident memory a load leaves behind (the model's size, measured by the daemon around the load with the heap trimmed on both sides).")
        report.table(headers: ["inference", "phase", "duration ms", "GCs", "GC time ms", "GC pause ms"],
                     rows: paper.table4.rows.map { [$0.inference, $0.phase, f($0.durationMs), f($0.gcCount), f($0.gcTimeMs), f($0.gcPauseMs)] },
                     rowHeaders: 2)
        let server = ResizeMode.server.rawValue
        var rows: [[String]] = []
        for model in models {
            for (phase, mode) in [("load model (cold cells)", BenchMode.cold), ("serve (warm cells)", BenchMode.warm)] {
                let cells = result.cells.filter { $0.model == model && $0.mode == mode && $0.resize == server }
                guard !cells.isEmpty else { continue }
                let n = Double(cells.reduce(0) { $0 + $1.samples })
                let minor = cells.compactMap(\.resources.minorFaults).reduce(0, +), major = cells.compactMap(\.resources.majorFaults).reduce(0, +)
                let growth = cells.compactMap { cell in cell.resources.peakRSSBytes.flatMap { peak in cell.resources.startRSSBytes.map { peak - $0 } } }
                let duration = cells.map { mode == .cold ? $0.columns.load.p50 : $0.columns.total.p50 }.reduce(0, +) / Double(cells.count)
                rows.append([model, phase, f(duration), String(format: "%.0f", Double(minor) / n), String(format: "%.2f", Double(major) / n),
                             growth.isEmpty ? "n/a" : String(format: "%.1f", Double(growth.max() ?? 0) / 1e6),
                             mode == .cold ? (result.modelBytes?[model].map { String(format: "%.1f", Double($0) / 1e6) } ?? "n/a") : "-",
                             String(Int(n))])
            }
        }
        report.table(headers: ["model", "phase", "duration ms (median)", "minor faults per request", "major faults per request",
                               "RSS growth over the cell, MB (largest)", "resident after load, MB", "n"], rows: rows, rowHeaders: 2)
    }

    /// A ratio: two decimals below 10, whole numbers above.
    func times(_ ratio: Double) -> String { String(format: ratio < 10 ? "%.2f×" : "%.0f×", ratio) }

    /// Milliseconds (or any figure) with two decimals, as the paper prints them.
    func f(_ value: Double) -> String { String(format: "%.2f", value) }
}

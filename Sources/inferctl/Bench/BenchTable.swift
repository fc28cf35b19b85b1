import Foundation

/// The terminal table of a benchmark: one row per cell with the paper's columns (mean and p95 of
/// each, ms) and the resources; then the resize rule.
enum BenchTable {
    static func render(_ result: BenchResult) -> String {
        var table = TextTable(headers: ["MODEL", "GROUP", "MODE", "RESIZE", "N", "LOAD", "RESCALE", "UPLOAD", "COMPUTE", "STARTUP",
                                        "TOTAL", "TOTAL p50/p95/p99", "CPU%", "PEAK RSS", "MINFLT", "MAJFLT", "ENERGY"],
                              alignments: [.left, .left, .left, .left] + Array(repeating: .right, count: 13))
        for cell in result.cells {
            let c = cell.columns
            let r = cell.resources
            table.append([cell.model, cell.group, cell.mode.rawValue, cell.resize, String(cell.samples),
                          ms(c.load.mean), ms(c.rescale.mean), ms(c.upload.mean), ms(c.compute.mean), ms(c.startup.mean),
                          ms(c.total.mean), "\(ms(c.total.p50))/\(ms(c.total.p95))/\(ms(c.total.p99))",
                          r.cpuPercent.map { String(format: "%.0f", $0) } ?? "n/a",
                          r.peakRSSBytes.map { HumanFormat.bytes($0) } ?? "n/a",
                          r.minorFaults.map(String.init) ?? "n/a", r.majorFaults.map(String.init) ?? "n/a",
                          r.energyJoules.map { String(format: "%.1f J", $0) } ?? "n/a"])
        }
        var text = "host: \(result.host.cpu), \(result.host.cores) cores, OpenVINO \(result.host.openvino), threads \(result.host.threads.map(String.init) ?? "?") (0 = all), precision \(result.host.precision ?? "?"), load average \(result.host.loadAverage.map { String(format: "%.2f", $0) }.joined(separator: " "))\n"
        text += "columns: means in ms (load model, rescale bitmap = client resize + decode + preprocess, upload = transfer, compute probability, startup, total end to end)\n\n"
        text += table.render() + "\n"
        if let note = result.cells.first?.resources.energyNote, result.cells.allSatisfy({ $0.resources.energyJoules == nil }) {
            text += "\nenergy \(note)\n"
        }
        if !result.resizeRule.isEmpty {
            var rule = TextTable(headers: ["MODE", "MODEL", "GROUP", "BYTES x1", "BYTES x2", "T_d", "T_n(x2)", "T_n(x1)", "PAPER RULE",
                                           "E2E CLIENT", "E2E SERVER", "PAYS OFF", "BREAK-EVEN"],
                                 alignments: [.left, .left, .left] + Array(repeating: .right, count: 10))
            for r in result.resizeRule {
                rule.append([r.mode, r.model, r.group, HumanFormat.bytes(Int(r.bytesOriginal)), HumanFormat.bytes(Int(r.bytesDownscaled)),
                             ms(r.downscaleMs), ms(r.transferDownscaledMs), ms(r.transferOriginalMs), r.paperRuleHolds ? "holds" : "fails",
                             ms(r.totalClientResizeMs), ms(r.totalServerResizeMs), r.endToEndPaysOff ? "yes" : "no",
                             r.breakEvenMBps.map { String(format: "%.1f MB/s", $0) } ?? "-"])
            }
            text += "\nresize rule T_d(x1,x2) + T_n(x2) <= T_n(x1) (warm: the socket; cloud: the link; ms):\n" + rule.render() + "\n"
            for verdict in result.resizeVerdicts { text += "  " + verdict + "\n" }
        }
        return text
    }

    static func ms(_ value: Double) -> String { HumanFormat.milliseconds(value) }
}

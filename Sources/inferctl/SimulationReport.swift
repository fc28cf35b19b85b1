import Foundation
import InferdStudy

/// `inferctl simulate --report DIR`: an HTML page with hit ratio, cold starts and memory held against
/// the budget, one curve per policy (SVG inline, no external assets), plus the tables.
enum SimulationReport {
    static func write(_ summary: SimulationSummary, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var page = HTMLReport(title: "inferd policy simulation",
                              subtitle: "\(summary.trace): \(summary.requests) requests over \(summary.models.joined(separator: ", "))")
        func curve(_ value: (SimulationResult) -> Double) -> [SVGLineChart.Series] {
            summary.policies.map { policy in
                SVGLineChart.Series(name: policy, points: summary.results.filter { $0.policy == policy }.map {
                    SVGLineChart.Point(x: Double($0.budgetBytes) / 1_048_576, y: value($0))
                })
            }
        }
        page.heading("Hit ratio against the memory budget")
        page.chart(SVGLineChart(title: "Hit ratio", xLabel: "budget (MiB)", yLabel: "hit ratio",
                                series: curve(\.hitRatio)).render(),
                   caption: "Share of requests that found their model warm. The oracle (Belady) is optimal only for models of equal size.")
        page.heading("Cold starts and memory held")
        page.chart(SVGLineChart(title: "Cold starts", xLabel: "budget (MiB)", yLabel: "cold starts",
                                series: curve { Double($0.coldStarts) }).render(), caption: "Requests that had to load their model.")
        page.chart(SVGLineChart(title: "Memory held", xLabel: "budget (MiB)", yLabel: "GiB·s",
                                series: curve { $0.byteSeconds / 1_073_741_824 }).render(),
                   caption: "Resident model bytes integrated over the trace.")
        page.heading("Tables")
        page.preformatted(SimulationPrinter.render(summary))
        let path = (directory as NSString).appendingPathComponent("index.html")
        guard FileManager.default.createFile(atPath: path, contents: Data(page.render().utf8)) else {
            throw TraceError("cannot write \(path)")
        }
    }
}

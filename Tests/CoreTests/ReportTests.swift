import Foundation
import InferdStudy
#if canImport(FoundationXML)
import FoundationXML
#endif
import InferdTestKit
import Testing

/// The chart and report types draw well-formed XML with the elements scripts and tests look for.
@Suite struct ReportTests {
    @Test func barChartStacksOneSegmentPerSeriesAndBar() throws {
        let chart = SVGBarChart(title: "Cold <versus> warm & more", yLabel: "ms", series: ["load", "compute"],
                                bars: [.init(label: "squeezenet cold", values: [200, 40]),
                                       .init(label: "squeezenet warm", values: [0, 40]),
                                       .init(label: "odd \"one\"", values: [.nan, -3])])
        let svg = chart.render()
        let elements = try #require(XMLElements.parse(svg), "not well-formed:\n\(svg)")
        let segments = elements.named("rect").filter { $0["class"] == "segment" }
        #expect(segments.count == 6)
        #expect(Set(segments.compactMap { $0["data-series"] }) == ["load", "compute"])
        #expect(segments.contains { $0["data-bar"] == "odd \"one\"" })
        #expect(segments.first { $0["data-bar"] == "squeezenet cold" && $0["data-series"] == "load" }?["data-value"] == "200")
        // Bad values draw as empty segments, never negative heights.
        for segment in segments { #expect((Double(segment["height"] ?? "-1") ?? -1) >= 0) }
        #expect(svg.contains("Cold &lt;versus&gt; warm &amp; more"))
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    }

    @Test func lineChartDrawsAPathAndPointsPerSeries() throws {
        let chart = SVGLineChart(title: "Rescale", xLabel: "megapixels", yLabel: "ms", series: [
            .init(name: "squeezenet", points: [.init(x: 0.5, y: 2), .init(x: 2.1, y: 5), .init(x: 8.3, y: 14)]),
            .init(name: "alexnet", points: [.init(x: 0.5, y: 2.5), .init(x: .infinity, y: 1)]),
        ])
        let elements = try #require(XMLElements.parse(chart.render()))
        let paths = elements.named("path").filter { $0["class"] == "series" }
        #expect(paths.map { $0["data-series"] } == ["squeezenet", "alexnet"])
        #expect(paths[0]["d"]?.hasPrefix("M") == true)
        #expect(paths[0]["d"]?.components(separatedBy: "L").count == 3)
        let points = ["circle", "rect", "path"].flatMap { elements.named($0) }.filter { $0["class"] == "point" }
        #expect(points.count == 4, "the point at infinity is left out")
    }

    @Test func overlappingLinesAreToldApart() throws {
        let same = [SVGLineChart.Point(x: 1, y: 0.5), .init(x: 2, y: 0.8)]
        let chart = SVGLineChart(title: "Hit ratio", xLabel: "budget", yLabel: "hit ratio", series: [
            .init(name: "lru", points: same), .init(name: "lfu", points: [.init(x: 1, y: 0.4), .init(x: 2, y: 0.8)]),
            .init(name: "gdsf", points: same), .init(name: "paper", points: [.init(x: 1, y: 0.6)], reference: true),
        ])
        #expect(chart.identicalTo == [nil, nil, "lru", nil])
        let svg = chart.render()
        let elements = try #require(XMLElements.parse(svg))
        let paths = elements.named("path").filter { $0["class"] == "series" && $0["data-series"] != nil }
        #expect(Set(paths.map { $0["stroke-dasharray"] ?? "solid" }).count == 4, "every line its own dash pattern")
        #expect(svg.contains("gdsf (identical to lru)"))
        #expect(!svg.contains("lfu (identical"))
        // Marker shapes differ: the first series' points are circles, the second's squares.
        #expect(elements.named("circle").filter { $0["data-series"] == "lru" }.count == 2)
        #expect(elements.named("rect").filter { $0["data-series"] == "lfu" && $0["class"] == "point" }.count == 2)
    }

    @Test func barsCarryWhiskersCountsAndReferences() throws {
        let chart = SVGBarChart(title: "t", yLabel: "ms", series: ["load", "compute"], bars: [
            .init(label: "alexnet cold", values: [600, 20], whisker: 590...2200, marker: 620, count: 15),
            .init(label: "paper: Device+Caffe", values: [2422.13, 8910.64], reference: true),
        ], footnote: "whisker: min-max")
        let svg = chart.render()
        let elements = try #require(XMLElements.parse(svg), "not well-formed:\n\(svg)")
        #expect(elements.named("line").filter { $0["class"] == "whisker" }.count == 3, "a stem and two caps")
        #expect(elements.named("line").filter { $0["class"] == "median" }.count == 1)
        #expect(svg.contains(">n=15</text>"))
        #expect(elements.named("rect").filter { $0["data-reference"] == "true" }.count == 2)
        #expect(svg.contains("whisker: min-max"))
        // The axis reaches the whisker's top, so the whisker is drawn inside the plot.
        #expect((Self.ticks(svg).max() ?? 0) >= 11_332)
    }

    @Test func logarithmicBarsStandSideBySideOverDecades() throws {
        let chart = SVGBarChart(title: "t", yLabel: "ms", series: ["load", "compute"], bars: [
            .init(label: "here", values: [0, 20]), .init(label: "paper", values: [61256.17, 2131.7], reference: true),
        ], scale: .logarithmic)
        let svg = chart.render()
        let elements = try #require(XMLElements.parse(svg))
        let segments = elements.named("rect").filter { $0["class"] == "segment" }
        #expect(segments.count == 3, "a zero has no bar on a log scale")
        #expect(Self.ticks(svg) == [10, 100, 1000, 10000, 100_000])
        let paper = segments.filter { $0["data-bar"] == "paper" }
        #expect(Set(paper.compactMap { $0["x"] }).count == 2, "side by side, not stacked")
        #expect(ChartLogAxis(minimum: 0, maximum: 0).ticks == [1, 10])
    }

    @Test func chartsScaleDownToTheirContainer() throws {
        let svg = SVGBarChart(title: "wide", yLabel: "ms", series: ["a"], bars: (0..<30).map { .init(label: "model \($0) daemon-cold-start", values: [1]) },
                              width: 960).render()
        let root = try #require(XMLElements.parse(svg)?.named("svg").first)
        #expect(root["viewBox"] == "0 0 960 380")
        #expect(root["style"]?.contains("max-width:100%") == true)
        // Labels too wide for their slot are slanted (rotated), not run into each other.
        #expect(svg.contains("rotate(-35"))
    }

    @Test func emptyChartsStillRender() throws {
        #expect(XMLElements.parse(SVGBarChart(title: "none", yLabel: "ms", series: [], bars: []).render()) != nil)
        #expect(XMLElements.parse(SVGLineChart(title: "none", xLabel: "x", yLabel: "y", series: []).render()) != nil)
    }

    @Test func axisTicksAreNiceAndCoverTheRange() {
        let axis = ChartAxis(minimum: 0, maximum: 263)
        #expect(axis.lower == 0)
        #expect(axis.upper >= 263)
        #expect(axis.ticks == [0, 100, 200, 300])
        let small = ChartAxis(minimum: 0.12, maximum: 0.87)
        #expect(small.ticks.first! <= 0.12 && small.ticks.last! >= 0.87)
        #expect(ChartAxis(minimum: 5, maximum: 5).lower == 0)
        #expect(ChartAxis(minimum: .nan, maximum: .nan).upper == 1)
        #expect(axis.position(150, from: 100, to: 0) == 50)
    }

    @Test func htmlReportIsWellFormedAndSelfContained() throws {
        var report = HTMLReport(title: "bench & co", subtitle: "2 cores")
        report.heading("Fig. 4")
        report.chart(SVGBarChart(title: "t", yLabel: "ms", series: ["a"], bars: [.init(label: "m", values: [1])]).render(), caption: "c < d")
        report.table(headers: ["model", "ms"], rows: [["squeezenet", "1.5"]])
        report.preformatted("a < b")
        report.paragraph("done")
        let html = report.render()
        let elements = try #require(XMLElements.parse(html), "not well-formed:\n\(html)")
        #expect(elements.named("svg").count == 1)
        #expect(elements.named("td").count == 1)
        #expect(html.contains("<th scope=\"row\">squeezenet</th>"), "the first cell names the row")
        #expect(elements.named("h2").count == 1)
        // Self-contained: nothing is loaded from elsewhere.
        for reference in ["src=", "href=", "<link", "<script", "url("] { #expect(!html.contains(reference), "\(reference)") }
    }

    @Test func markupEscapesAndFormats() {
        #expect(Markup.escape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&#39;")
        #expect(Markup.number(263.4) == "263")
        #expect(Markup.number(12.34) == "12.3")
        #expect(Markup.number(0.1234) == "0.123")
        #expect(Markup.number(2) == "2")
        #expect(Markup.number(.nan) == "n/a")
    }

    /// The numbers of a chart's axis ticks, in order.
    static func ticks(_ svg: String) -> [Double] {
        svg.components(separatedBy: "<text class=\"tick\"").dropFirst().compactMap { piece in
            piece.split(separator: ">", maxSplits: 1).last.flatMap { Double($0.prefix { $0 != "<" }) }
        }
    }
}

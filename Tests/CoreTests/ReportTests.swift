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
        let points = elements.named("circle").filter { $0["class"] == "point" }
        #expect(points.count == 4, "the point at infinity is left out")
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
        #expect(elements.named("td").count == 2)
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
}

/// A stacked bar chart as a standalone SVG element: one bar per label, each bar the sum of its
/// segments (one per series, stacked bottom-up in series order), with axes, a legend and a tooltip
/// (`<title>`) on every segment. The paper's Fig. 4 — the time of each step per model, cold versus
/// warm — is one of these.
///
/// The output is well-formed XML with no external references. Every segment is a
/// `<rect class="segment" data-bar="…" data-series="…" data-value="…">`, so tests and scripts can find
/// the bars. Negative or non-finite values are drawn as 0.
public struct SVGBarChart: Sendable {
    /// One bar: its label on the x axis and a value per series.
    public struct Bar: Sendable, Equatable {
        public var label: String
        /// One value per entry of ``SVGBarChart/series``; missing values count as 0.
        public var values: [Double]

        public init(label: String, values: [Double]) {
            self.label = label
            self.values = values
        }
    }

    /// Drawn above the plot.
    public var title: String
    /// The y axis's label, e.g. `milliseconds`.
    public var yLabel: String
    /// The names of the stacked segments, bottom first.
    public var series: [String]
    public var bars: [Bar]
    /// Size of the SVG canvas in pixels.
    public var width: Double
    public var height: Double

    public init(title: String, yLabel: String, series: [String], bars: [Bar], width: Double = 760, height: Double = 380) {
        self.title = title
        self.yLabel = yLabel
        self.series = series
        self.bars = bars
        self.width = width
        self.height = height
    }

    /// The chart as an `<svg>` element.
    public func render() -> String {
        let left = 64.0, right = 16.0, top = 36.0
        let plotWidth = max(10, width - left - right)
        let slot = plotWidth / Double(max(1, bars.count))
        // A label wider than its slot is broken into one word a line.
        let labelLines = bars.map { bar in Double(bar.label.count) * 6.5 > slot ? bar.label.split(separator: " ").map(String.init) : [bar.label] }
        let labelHeight = Double(labelLines.map(\.count).max() ?? 1) * 13
        let legendRows = Double(SVGWriter.legendRows(series, width: plotWidth))
        let bottom = 38.0 + labelHeight + legendRows * 18
        let plotHeight = max(10, height - top - bottom)
        let totals = bars.map { bar in bar.values.prefix(series.count).reduce(0) { $0 + Self.clean($1) } }
        let axis = ChartAxis(minimum: 0, maximum: totals.max() ?? 1)
        let y = { (value: Double) in axis.position(value, from: top + plotHeight, to: top) }
        var svg = SVGWriter(width: width, height: height, title: title)

        // Grid and y ticks.
        for tick in axis.ticks {
            let position = y(tick)
            svg.line(x1: left, y1: position, x2: left + plotWidth, y2: position, className: "grid")
            svg.text(Markup.number(tick), x: left - 6, y: position + 4, anchor: "end", className: "tick")
        }
        svg.text(yLabel, x: 14, y: top + plotHeight / 2, anchor: "middle", className: "axis-label",
                 rotate: -90)

        // Bars.
        let barWidth = min(60, slot * 0.7)
        for (index, bar) in bars.enumerated() {
            let x = left + slot * Double(index) + (slot - barWidth) / 2
            var base = 0.0
            svg.open("g", ["class": "bar", "data-bar": bar.label])
            for (seriesIndex, name) in series.enumerated() {
                let value = seriesIndex < bar.values.count ? Self.clean(bar.values[seriesIndex]) : 0
                let y0 = y(base), y1 = y(base + value)
                svg.rect(x: x, y: y1, width: barWidth, height: max(0, y0 - y1), fill: ChartPalette.colour(seriesIndex),
                         attributes: ["class": "segment", "data-bar": bar.label, "data-series": name,
                                      "data-value": Markup.number(value)],
                         tooltip: "\(bar.label) — \(name): \(Markup.number(value)) \(yLabel)")
                base += value
            }
            svg.close("g")
            svg.text(Markup.number(totals[index]), x: x + barWidth / 2, y: y(base) - 4, anchor: "middle", className: "value")
            for (line, words) in labelLines[index].enumerated() {
                svg.text(words, x: x + barWidth / 2, y: top + plotHeight + 16 + Double(line) * 13, anchor: "middle", className: "tick")
            }
        }
        svg.line(x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, className: "axis")
        svg.line(x1: left, y1: top, x2: left, y2: top + plotHeight, className: "axis")

        svg.legend(series, x: left, y: top + plotHeight + 24 + labelHeight, width: plotWidth, swatch: .square)
        return svg.finish()
    }

    static func clean(_ value: Double) -> Double { value.isFinite ? max(0, value) : 0 }
}

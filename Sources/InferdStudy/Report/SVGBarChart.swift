import Foundation

/// A bar chart as a standalone SVG element: one bar per label, with axes, a legend and a tooltip
/// (`<title>`) on every segment. The paper's Fig. 4 — the time of each step per model, cold versus
/// warm — and its Table III beside this host's rows are drawn with it.
///
/// On a linear scale each bar stacks its segments (one per series, bottom-up in series order); on a
/// logarithmic scale, where stacking would misstate the segments, the series stand side by side.
/// A bar may carry a whisker (a spread such as min–max), a marker (a median), its sample count
/// (printed under its label) and be a *reference* (a figure from elsewhere, e.g. the paper: drawn
/// pale with a dashed outline).
///
/// The output is well-formed XML with no external references. Every segment is a
/// `<rect class="segment" data-bar="…" data-series="…" data-value="…">`, so tests and scripts can find
/// the bars. Negative or non-finite values are drawn as 0 (and not at all on a logarithmic scale).
public struct SVGBarChart: Sendable {
    /// How the y axis maps values.
    public enum Scale: Sendable, Equatable {
        /// Linear from zero; segments stacked.
        case linear
        /// Base-10 logarithmic over whole decades; series side by side.
        case logarithmic
    }

    /// One bar: its label on the x axis and a value per series.
    public struct Bar: Sendable, Equatable {
        public var label: String
        /// One value per entry of ``SVGBarChart/series``; missing values count as 0.
        public var values: [Double]
        /// A spread drawn as a whisker over the bar (e.g. the total's minimum to maximum).
        public var whisker: ClosedRange<Double>?
        /// A value marked across the bar (e.g. the total's median).
        public var marker: Double?
        /// How many samples the bar summarises, printed under its label as `n=…`.
        public var count: Int?
        /// A figure from elsewhere (the paper), drawn pale with a dashed outline.
        public var reference: Bool

        public init(label: String, values: [Double], whisker: ClosedRange<Double>? = nil, marker: Double? = nil,
                    count: Int? = nil, reference: Bool = false) {
            self.label = label
            self.values = values
            self.whisker = whisker
            self.marker = marker
            self.count = count
            self.reference = reference
        }
    }

    /// Drawn above the plot.
    public var title: String
    /// The y axis's label, e.g. `milliseconds`.
    public var yLabel: String
    /// The names of the segments, bottom first (or left first on a logarithmic scale).
    public var series: [String]
    public var bars: [Bar]
    public var scale: Scale
    /// The legend's name for reference bars (shown when there are any), e.g. `the paper (Nexus 5)`.
    public var referenceLegend: String
    /// A line of small print under the legend, e.g. what the whiskers are.
    public var footnote: String?
    /// Size of the SVG canvas in pixels (it scales down to a narrower container).
    public var width: Double
    public var height: Double

    public init(title: String, yLabel: String, series: [String], bars: [Bar], scale: Scale = .linear,
                referenceLegend: String = "reference", footnote: String? = nil, width: Double = 760, height: Double = 380) {
        self.title = title
        self.yLabel = yLabel
        self.series = series
        self.bars = bars
        self.scale = scale
        self.referenceLegend = referenceLegend
        self.footnote = footnote
        self.width = width
        self.height = height
    }

    /// Label text is about this wide per character, in pixels.
    static let characterWidth = 6.5
    /// Labels too wide for their slot are drawn at this angle, degrees.
    static let labelAngle = 35.0

    /// The chart as an `<svg>` element.
    public func render() -> String {
        let right = 16.0, top = 36.0
        var left = 64.0
        var plotWidth = max(10, width - left - right)
        var slot = plotWidth / Double(max(1, bars.count))
        let counted = bars.contains { $0.count != nil }
        let labelTexts = bars.map { bar in bar.label + (bar.count.map { ", n=\($0)" } ?? "") }
        let rotated = bars.contains { Double($0.label.count) * Self.characterWidth > slot * 0.95 }
        let longest = Double(labelTexts.map(\.count).max() ?? 1) * Self.characterWidth
        if rotated {
            // The first slanted label reaches left of its bar: leave it room inside the canvas.
            let reach = longest * cos(Self.labelAngle * .pi / 180) + 8
            left = max(left, min(width / 2, reach - slot / 2))
            plotWidth = max(10, width - left - right)
            slot = plotWidth / Double(max(1, bars.count))
        }
        let labelHeight = rotated ? longest * sin(Self.labelAngle * .pi / 180) + 14 : (counted ? 26 : 13)
        var legend = series.enumerated().map { SVGWriter.LegendItem(name: $1, colour: ChartPalette.colour($0), swatch: .square) }
        if bars.contains(where: \.reference) {
            legend.append(.init(name: referenceLegend, colour: "#999999", swatch: .reference))
        }
        let legendRows = Double(SVGWriter.legendRows(legend.map(\.name), width: plotWidth))
        let bottom = 38.0 + labelHeight + legendRows * 18 + (footnote == nil ? 0 : 16)
        let plotHeight = max(10, height - top - bottom)

        let totals = bars.map { bar in bar.values.prefix(series.count).reduce(0) { $0 + Self.clean($1) } }
        let extras = bars.flatMap { [$0.whisker?.upperBound, $0.marker].compactMap { $0 }.filter(\.isFinite) }
        let y: (Double) -> Double
        let ticks: [Double]
        switch scale {
        case .linear:
            let axis = ChartAxis(minimum: 0, maximum: (totals + extras).max() ?? 1)
            y = { axis.position($0, from: top + plotHeight, to: top) }
            ticks = axis.ticks
        case .logarithmic:
            let values = bars.flatMap { $0.values.prefix(series.count) + [$0.whisker?.lowerBound].compactMap { $0 } } + extras
            let positive = values.filter { $0.isFinite && $0 > 0 }
            let axis = ChartLogAxis(minimum: positive.min() ?? 1, maximum: positive.max() ?? 10)
            y = { axis.position($0, from: top + plotHeight, to: top) }
            ticks = axis.ticks
        }
        var svg = SVGWriter(width: width, height: height, title: title)

        // Grid and y ticks.
        for tick in ticks {
            let position = y(tick)
            svg.line(x1: left, y1: position, x2: left + plotWidth, y2: position, className: "grid")
            svg.text(Markup.number(tick), x: left - 6, y: position + 4, anchor: "end", className: "tick")
        }
        svg.text(yLabel + (scale == .logarithmic ? " (log scale)" : ""), x: 14, y: top + plotHeight / 2, anchor: "middle",
                 className: "axis-label", rotate: -90)

        let barWidth = scale == .linear ? min(60, slot * 0.7) : min(18 * Double(max(1, series.count)), slot * 0.8)
        for (index, bar) in bars.enumerated() {
            let x = left + slot * Double(index) + (slot - barWidth) / 2
            let centre = x + barWidth / 2
            svg.open("g", bar.reference ? ["class": "bar", "data-bar": bar.label, "data-reference": "true"] : ["class": "bar", "data-bar": bar.label])
            var base = 0.0
            for (seriesIndex, name) in series.enumerated() {
                let value = seriesIndex < bar.values.count ? Self.clean(bar.values[seriesIndex]) : 0
                var attributes = ["class": "segment", "data-bar": bar.label, "data-series": name, "data-value": Markup.number(value)]
                if bar.reference {
                    attributes["data-reference"] = "true"
                    attributes["fill-opacity"] = "0.4"
                }
                let tooltip = "\(bar.label) — \(name): \(Markup.number(value)) \(yLabel)"
                let colour = ChartPalette.colour(seriesIndex)
                switch scale {
                case .linear:
                    let y0 = y(base), y1 = y(base + value)
                    svg.rect(x: x, y: y1, width: barWidth, height: max(0, y0 - y1), fill: colour, attributes: attributes, tooltip: tooltip)
                    base += value
                case .logarithmic:
                    guard value > 0 else { continue }
                    let width = barWidth / Double(max(1, series.count))
                    let y1 = y(value)
                    svg.rect(x: x + width * Double(seriesIndex), y: y1, width: width, height: max(0, top + plotHeight - y1), fill: colour,
                             attributes: attributes, tooltip: tooltip)
                }
            }
            if bar.reference {
                // The outline that marks a reference bar, over its segments.
                let topValue = scale == .linear ? totals[index] : (bar.values.prefix(series.count).map(Self.clean).max() ?? 0)
                if topValue > 0 {
                    svg.rect(x: x, y: y(topValue), width: barWidth, height: max(0, top + plotHeight - y(topValue)), fill: "none",
                             attributes: ["class": "reference"], tooltip: "\(bar.label): \(referenceLegend)")
                }
            }
            svg.close("g")
            if let whisker = bar.whisker, whisker.lowerBound.isFinite, whisker.upperBound.isFinite {
                let low = y(whisker.lowerBound), high = y(whisker.upperBound)
                svg.line(x1: centre, y1: low, x2: centre, y2: high, className: "whisker")
                svg.line(x1: centre - 5, y1: low, x2: centre + 5, y2: low, className: "whisker")
                svg.line(x1: centre - 5, y1: high, x2: centre + 5, y2: high, className: "whisker")
            }
            if let marker = bar.marker, marker.isFinite {
                svg.line(x1: x - 3, y1: y(marker), x2: x + barWidth + 3, y2: y(marker), className: "median")
            }
            if scale == .linear || series.count == 1 {
                let shown = bar.marker ?? (scale == .linear ? totals[index] : Self.clean(bar.values.first ?? 0))
                let above = min(y(shown), bar.whisker.map { y($0.upperBound) } ?? .infinity)
                svg.text(Markup.number(shown), x: centre + (bar.whisker == nil ? 0 : 4), y: above - 4,
                         anchor: bar.whisker == nil ? "middle" : "start", className: "value")
            }
            let labelY = top + plotHeight + 16
            if rotated {
                svg.text(labelTexts[index], x: centre + 4, y: labelY - 4, anchor: "end", className: "tick", rotate: -Self.labelAngle)
            } else {
                svg.text(bar.label, x: centre, y: labelY, anchor: "middle", className: "tick")
                if let count = bar.count { svg.text("n=\(count)", x: centre, y: labelY + 13, anchor: "middle", className: "count") }
            }
        }
        svg.line(x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, className: "axis")
        svg.line(x1: left, y1: top, x2: left, y2: top + plotHeight, className: "axis")

        let legendY = top + plotHeight + 24 + labelHeight
        svg.legend(legend, x: left, y: legendY, width: plotWidth)
        if let footnote {
            svg.text(footnote, x: left, y: legendY + legendRows * 18 + 8, anchor: "start", className: "count")
        }
        return svg.finish()
    }

    static func clean(_ value: Double) -> Double { value.isFinite ? max(0, value) : 0 }
}

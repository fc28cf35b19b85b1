/// A line chart as a standalone SVG element: one polyline with point markers per series, linear
/// axes with "nice" ticks, a legend and a tooltip on every point. The paper's Fig. 5 (rescale time
/// against image size) and the simulator's hit ratio against memory budget are drawn with it.
///
/// Lines that fall on one another stay apart for the eye: every series has its own marker shape
/// and dash pattern, later series are drawn with smaller markers on top, and a series whose points
/// are exactly an earlier one's says so in the legend (`lru (identical to fifo)`). A *reference*
/// series (a figure from elsewhere, e.g. the paper) is drawn grey, dashed, with hollow markers.
///
/// The output is well-formed XML with no external references. Each series is a
/// `<path class="series" data-series="…">` followed by one marker of `class="point"` per point;
/// points with a non-finite coordinate are left out.
public struct SVGLineChart: Sendable {
    /// One named line.
    public struct Series: Sendable, Equatable {
        public var name: String
        /// Points in the order they are joined (sort by x for a function-like curve).
        public var points: [Point]
        /// A figure from elsewhere (the paper): grey, dashed, hollow markers.
        public var reference: Bool

        public init(name: String, points: [Point], reference: Bool = false) {
            self.name = name
            self.points = points
            self.reference = reference
        }
    }

    /// One (x, y) point.
    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double

        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// When set, the y axis starts at zero (the default); otherwise at the smallest value.
    public var yFromZero: Bool
    /// Size of the SVG canvas in pixels.
    public var width: Double
    public var height: Double

    public init(title: String, xLabel: String, yLabel: String, series: [Series], yFromZero: Bool = true,
                width: Double = 760, height: Double = 380) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.yFromZero = yFromZero
        self.width = width
        self.height = height
    }

    /// The chart as an `<svg>` element.
    public func render() -> String {
        let left = 64.0, right = 16.0, top = 36.0
        let plotWidth = max(10, width - left - right)
        let legend = legendItems()
        let legendRows = Double(SVGWriter.legendRows(legend.map(\.name), width: plotWidth))
        let bottom = 64.0 + legendRows * 18
        let plotHeight = max(10, height - top - bottom)
        let points = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let xAxis = ChartAxis(minimum: points.map(\.x).min() ?? 0, maximum: points.map(\.x).max() ?? 1)
        let yAxis = ChartAxis(minimum: yFromZero ? min(0, points.map(\.y).min() ?? 0) : (points.map(\.y).min() ?? 0),
                              maximum: points.map(\.y).max() ?? 1)
        let px = { (value: Double) in xAxis.position(value, from: left, to: left + plotWidth) }
        let py = { (value: Double) in yAxis.position(value, from: top + plotHeight, to: top) }
        var svg = SVGWriter(width: width, height: height, title: title)

        for tick in yAxis.ticks {
            svg.line(x1: left, y1: py(tick), x2: left + plotWidth, y2: py(tick), className: "grid")
            svg.text(Markup.number(tick), x: left - 6, y: py(tick) + 4, anchor: "end", className: "tick")
        }
        for tick in xAxis.ticks {
            svg.line(x1: px(tick), y1: top + plotHeight, x2: px(tick), y2: top + plotHeight + 4, className: "axis")
            svg.text(Markup.number(tick), x: px(tick), y: top + plotHeight + 16, anchor: "middle", className: "tick")
        }
        svg.line(x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, className: "axis")
        svg.line(x1: left, y1: top, x2: left, y2: top + plotHeight, className: "axis")
        svg.text(xLabel, x: left + plotWidth / 2, y: top + plotHeight + 34, anchor: "middle", className: "axis-label")
        svg.text(yLabel, x: 14, y: top + plotHeight / 2, anchor: "middle", className: "axis-label", rotate: -90)

        for (index, line) in series.enumerated() {
            let style = self.style(index)
            let drawn = line.points.filter { $0.x.isFinite && $0.y.isFinite }
            let path = drawn.enumerated().map { offset, point in
                "\(offset == 0 ? "M" : "L")\(Markup.coordinate(px(point.x))) \(Markup.coordinate(py(point.y)))"
            }.joined(separator: " ")
            svg.open("g", ["class": "line", "data-series": line.name])
            svg.path(path.isEmpty ? "M0 0" : path, stroke: style.colour, dash: style.dash, attributes: ["class": "series", "data-series": line.name])
            // Later series on top with smaller markers, so a marker under them still shows round its edge.
            let size = max(2.2, 4.5 - 0.4 * Double(index))
            for point in drawn {
                svg.marker(style.marker, x: px(point.x), y: py(point.y), size: size, colour: style.colour, hollow: line.reference,
                           attributes: ["class": "point", "data-series": line.name],
                           tooltip: "\(line.name): \(Markup.number(point.y)) \(yLabel) at \(Markup.number(point.x)) \(xLabel)")
            }
            svg.close("g")
        }
        svg.legend(legend, x: left, y: top + plotHeight + 52, width: plotWidth)
        return svg.finish()
    }

    /// How series number `index` is drawn: its colour, dash pattern and marker.
    func style(_ index: Int) -> (colour: String, dash: String?, marker: SVGWriter.MarkerShape) {
        if series[index].reference { return ("#777777", "5 3", SVGWriter.MarkerShape.of(index)) }
        let dashes: [String?] = [nil, "7 3", "2 3", "9 3 2 3", "4 4", "1 2"]
        return (ChartPalette.colour(index), dashes[index % dashes.count], SVGWriter.MarkerShape.of(index))
    }

    /// For each series, the earlier series with exactly the same drawn points, if any.
    public var identicalTo: [String?] {
        let drawn = series.map { $0.points.filter { $0.x.isFinite && $0.y.isFinite } }
        return series.indices.map { index in
            guard !drawn[index].isEmpty else { return nil }
            return series.indices.prefix(index).first { drawn[$0] == drawn[index] }.map { series[$0].name }
        }
    }

    /// The legend: every series with its style, noting the ones identical to an earlier series.
    func legendItems() -> [SVGWriter.LegendItem] {
        let twins = identicalTo
        return series.enumerated().map { index, line in
            let style = self.style(index)
            return SVGWriter.LegendItem(name: line.name + (twins[index].map { " (identical to \($0))" } ?? ""), colour: style.colour,
                                        swatch: .line(dash: style.dash, marker: style.marker))
        }
    }
}

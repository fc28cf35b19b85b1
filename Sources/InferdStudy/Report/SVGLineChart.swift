/// A line chart as a standalone SVG element: one polyline with point markers per series, linear
/// axes with "nice" ticks, a legend and a tooltip on every point. The paper's Fig. 5 (rescale time
/// against image size) and the simulator's hit ratio against memory budget are drawn with it.
///
/// The output is well-formed XML with no external references. Each series is a
/// `<path class="series" data-series="…">` followed by one `<circle class="point">` per point;
/// points with a non-finite coordinate are left out.
public struct SVGLineChart: Sendable {
    /// One named line.
    public struct Series: Sendable, Equatable {
        public var name: String
        /// Points in the order they are joined (sort by x for a function-like curve).
        public var points: [Point]

        public init(name: String, points: [Point]) {
            self.name = name
            self.points = points
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
        let legendRows = Double(SVGWriter.legendRows(series.map(\.name), width: plotWidth))
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
            let colour = ChartPalette.colour(index)
            let drawn = line.points.filter { $0.x.isFinite && $0.y.isFinite }
            let path = drawn.enumerated().map { offset, point in
                "\(offset == 0 ? "M" : "L")\(Markup.coordinate(px(point.x))) \(Markup.coordinate(py(point.y)))"
            }.joined(separator: " ")
            svg.open("g", ["class": "line", "data-series": line.name])
            svg.path(path.isEmpty ? "M0 0" : path, stroke: colour, attributes: ["class": "series", "data-series": line.name])
            for point in drawn {
                svg.circle(x: px(point.x), y: py(point.y), radius: 3.5, fill: colour,
                           attributes: ["class": "point", "data-series": line.name],
                           tooltip: "\(line.name): \(Markup.number(point.y)) \(yLabel) at \(Markup.number(point.x)) \(xLabel)")
            }
            svg.close("g")
        }
        svg.legend(series.map(\.name), x: left, y: top + plotHeight + 52, width: plotWidth, swatch: .line)
        return svg.finish()
    }
}

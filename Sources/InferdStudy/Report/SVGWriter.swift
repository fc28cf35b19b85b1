/// Builds the text of one `<svg>` element, shared by the chart types: the root with its namespace,
/// an embedded style sheet, and primitives that escape every text and attribute.
///
/// The root carries a `viewBox` and `style="max-width:100%;height:auto"`, so a chart drawn wider
/// than the page scales down to its container instead of being cut off.
struct SVGWriter {
    /// One entry of a legend: a name and how its swatch is drawn.
    struct LegendItem: Equatable {
        enum Swatch: Equatable {
            /// A filled square, as a bar segment.
            case square
            /// A pale square with a dashed outline, as a reference bar.
            case reference
            /// A short line with the series' dash pattern and marker.
            case line(dash: String?, marker: MarkerShape)
        }

        var name: String
        var colour: String
        var swatch: Swatch
    }

    /// The shape of a line chart's point markers, one per series in turn, so that lines drawn on
    /// top of one another stay distinguishable.
    enum MarkerShape: CaseIterable {
        case circle, square, triangle, diamond, cross, invertedTriangle

        /// The shape of series number `index`.
        static func of(_ index: Int) -> MarkerShape { allCases[index % allCases.count] }
    }

    private var text: String

    init(width: Double, height: Double, title: String) {
        let w = Markup.coordinate(width), h = Markup.coordinate(height)
        text = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" style=\"max-width:100%;height:auto\" role=\"img\">"
        text += "<title>\(Markup.escape(title))</title>"
        text += "<style>.grid{stroke:#e3e3e3;stroke-width:1}.axis{stroke:#444;stroke-width:1}"
        text += ".tick,.value,.legend,.count{font:11px sans-serif;fill:#333}.count{fill:#666}.axis-label{font:12px sans-serif;fill:#222}"
        text += ".chart-title{font:bold 14px sans-serif;fill:#111}.series,.swatch{fill:none;stroke-width:2}"
        text += ".whisker{stroke:#222;stroke-width:1.2}.median{stroke:#222;stroke-width:2.5}"
        text += ".reference{fill-opacity:.35;stroke:#333;stroke-width:1;stroke-dasharray:4 2}</style>"
        self.text(title, x: width / 2, y: 20, anchor: "middle", className: "chart-title")
    }

    mutating func open(_ element: String, _ attributes: [String: String]) {
        text += "<\(element)\(Self.attributes(attributes))>"
    }

    mutating func close(_ element: String) { text += "</\(element)>" }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, className: String) {
        text += "<line class=\"\(className)\" x1=\"\(Markup.coordinate(x1))\" y1=\"\(Markup.coordinate(y1))\" x2=\"\(Markup.coordinate(x2))\" y2=\"\(Markup.coordinate(y2))\"/>"
    }

    mutating func text(_ content: String, x: Double, y: Double, anchor: String, className: String, rotate: Double? = nil) {
        let transform = rotate.map { " transform=\"rotate(\(Markup.coordinate($0)) \(Markup.coordinate(x)) \(Markup.coordinate(y)))\"" } ?? ""
        text += "<text class=\"\(className)\" x=\"\(Markup.coordinate(x))\" y=\"\(Markup.coordinate(y))\" text-anchor=\"\(anchor)\"\(transform)>\(Markup.escape(content))</text>"
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, attributes: [String: String], tooltip: String) {
        text += "<rect\(Self.attributes(attributes)) x=\"\(Markup.coordinate(x))\" y=\"\(Markup.coordinate(y))\" width=\"\(Markup.coordinate(width))\" height=\"\(Markup.coordinate(height))\" fill=\"\(fill)\"><title>\(Markup.escape(tooltip))</title></rect>"
    }

    /// A point marker of `shape` centred on (`x`, `y`), `size` its half-width; hollow when `hollow`.
    mutating func marker(_ shape: MarkerShape, x: Double, y: Double, size: Double, colour: String, hollow: Bool = false,
                         attributes: [String: String], tooltip: String) {
        let paint = hollow ? " fill=\"#fff\" stroke=\"\(colour)\" stroke-width=\"1.5\"" : " fill=\"\(colour)\""
        let c = Markup.coordinate
        let body: String
        switch shape {
        case .circle:
            body = "<circle\(Self.attributes(attributes)) cx=\"\(c(x))\" cy=\"\(c(y))\" r=\"\(c(size))\"\(paint)>"
            text += body + "<title>\(Markup.escape(tooltip))</title></circle>"
            return
        case .square:
            body = "<rect\(Self.attributes(attributes)) x=\"\(c(x - size))\" y=\"\(c(y - size))\" width=\"\(c(2 * size))\" height=\"\(c(2 * size))\"\(paint)>"
            text += body + "<title>\(Markup.escape(tooltip))</title></rect>"
            return
        case .triangle:
            body = "M\(c(x)) \(c(y - size * 1.2)) L\(c(x + size * 1.1)) \(c(y + size * 0.8)) L\(c(x - size * 1.1)) \(c(y + size * 0.8)) Z"
        case .invertedTriangle:
            body = "M\(c(x)) \(c(y + size * 1.2)) L\(c(x + size * 1.1)) \(c(y - size * 0.8)) L\(c(x - size * 1.1)) \(c(y - size * 0.8)) Z"
        case .diamond:
            body = "M\(c(x)) \(c(y - size * 1.3)) L\(c(x + size * 1.3)) \(c(y)) L\(c(x)) \(c(y + size * 1.3)) L\(c(x - size * 1.3)) \(c(y)) Z"
        case .cross:
            let s = size * 1.1
            text += "<path\(Self.attributes(attributes)) d=\"M\(c(x - s)) \(c(y - s)) L\(c(x + s)) \(c(y + s)) M\(c(x - s)) \(c(y + s)) L\(c(x + s)) \(c(y - s))\" stroke=\"\(colour)\" stroke-width=\"2.5\" fill=\"none\"><title>\(Markup.escape(tooltip))</title></path>"
            return
        }
        text += "<path\(Self.attributes(attributes)) d=\"\(body)\"\(paint)><title>\(Markup.escape(tooltip))</title></path>"
    }

    mutating func path(_ d: String, stroke: String, dash: String? = nil, attributes: [String: String]) {
        let dashing = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        text += "<path\(Self.attributes(attributes)) d=\"\(d)\" stroke=\"\(stroke)\"\(dashing)/>"
    }

    /// The widest a legend entry is, about 6.5 px a character plus its swatch.
    static func legendEntryWidth(_ names: [String]) -> Double { Double(names.map(\.count).max() ?? 0) * 6.5 + 34 }

    /// How many legend columns fit `width` for `names` (at most four).
    static func legendColumns(_ names: [String], width: Double) -> Int {
        max(1, min(4, Int(width / legendEntryWidth(names))))
    }

    /// Rows the legend of `names` takes in `width`.
    static func legendRows(_ names: [String], width: Double) -> Int {
        let columns = legendColumns(names, width: width)
        return (names.count + columns - 1) / columns
    }

    /// The legend in rows from (`x`, `y`), as many columns as fit `width`.
    mutating func legend(_ items: [LegendItem], x: Double, y: Double, width: Double) {
        let columns = Self.legendColumns(items.map(\.name), width: width)
        let columnWidth = width / Double(columns)
        text += "<g class=\"legend\">"
        for (index, item) in items.enumerated() {
            let cx = x + Double(index % columns) * columnWidth, cy = y + Double(index / columns) * 18
            let c = Markup.coordinate
            switch item.swatch {
            case .square:
                text += "<rect x=\"\(c(cx))\" y=\"\(c(cy - 9))\" width=\"10\" height=\"10\" fill=\"\(item.colour)\"/>"
            case .reference:
                text += "<rect class=\"reference\" x=\"\(c(cx))\" y=\"\(c(cy - 9))\" width=\"10\" height=\"10\" fill=\"\(item.colour)\"/>"
            case .line(let dash, let shape):
                path("M\(c(cx - 4)) \(c(cy - 4)) L\(c(cx + 18)) \(c(cy - 4))", stroke: item.colour, dash: dash,
                     attributes: ["class": "swatch"])
                marker(shape, x: cx + 7, y: cy - 4, size: 3.5, colour: item.colour, attributes: [:], tooltip: item.name)
            }
            self.text(item.name, x: cx + 24, y: cy, anchor: "start", className: "legend")
        }
        text += "</g>"
    }

    /// The finished `<svg>` element.
    func finish() -> String { text + "</svg>" }

    /// ` key="value"` pairs in key order (stable output), values escaped.
    static func attributes(_ attributes: [String: String]) -> String {
        attributes.keys.sorted().map { " \($0)=\"\(Markup.escape(attributes[$0]!))\"" }.joined()
    }
}

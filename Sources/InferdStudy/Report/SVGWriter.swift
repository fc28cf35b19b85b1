/// Builds the text of one `<svg>` element, shared by the chart types: the root with its namespace,
/// an embedded style sheet, and primitives that escape every text and attribute.
struct SVGWriter {
    /// How a legend entry shows its series' colour.
    enum Swatch { case square, line }

    private var text: String

    init(width: Double, height: Double, title: String) {
        let w = Markup.coordinate(width), h = Markup.coordinate(height)
        text = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" role=\"img\">"
        text += "<title>\(Markup.escape(title))</title>"
        text += "<style>.grid{stroke:#e3e3e3;stroke-width:1}.axis{stroke:#444;stroke-width:1}"
        text += ".tick,.value,.legend{font:11px sans-serif;fill:#333}.axis-label{font:12px sans-serif;fill:#222}"
        text += ".chart-title{font:bold 14px sans-serif;fill:#111}.series{fill:none;stroke-width:2}</style>"
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

    mutating func circle(x: Double, y: Double, radius: Double, fill: String, attributes: [String: String], tooltip: String) {
        text += "<circle\(Self.attributes(attributes)) cx=\"\(Markup.coordinate(x))\" cy=\"\(Markup.coordinate(y))\" r=\"\(Markup.coordinate(radius))\" fill=\"\(fill)\"><title>\(Markup.escape(tooltip))</title></circle>"
    }

    mutating func path(_ d: String, stroke: String, attributes: [String: String]) {
        text += "<path\(Self.attributes(attributes)) d=\"\(d)\" stroke=\"\(stroke)\"/>"
    }

    /// How many legend columns fit `width` for `names` (at most four; about 6.5 px a character).
    static func legendColumns(_ names: [String], width: Double) -> Int {
        let widest = Double(names.map(\.count).max() ?? 0) * 6.5 + 28
        return max(1, min(4, Int(width / widest)))
    }

    /// Rows the legend of `names` takes in `width`.
    static func legendRows(_ names: [String], width: Double) -> Int {
        let columns = legendColumns(names, width: width)
        return (names.count + columns - 1) / columns
    }

    /// Series names in rows from (`x`, `y`), as many columns as fit `width`.
    mutating func legend(_ names: [String], x: Double, y: Double, width: Double, swatch: Swatch) {
        let columns = Self.legendColumns(names, width: width)
        let columnWidth = width / Double(columns)
        text += "<g class=\"legend\">"
        for (index, name) in names.enumerated() {
            let cx = x + Double(index % columns) * columnWidth, cy = y + Double(index / columns) * 18
            switch swatch {
            case .square:
                text += "<rect x=\"\(Markup.coordinate(cx))\" y=\"\(Markup.coordinate(cy - 9))\" width=\"10\" height=\"10\" fill=\"\(ChartPalette.colour(index))\"/>"
            case .line:
                text += "<line x1=\"\(Markup.coordinate(cx - 2))\" y1=\"\(Markup.coordinate(cy - 4))\" x2=\"\(Markup.coordinate(cx + 12))\" y2=\"\(Markup.coordinate(cy - 4))\" stroke=\"\(ChartPalette.colour(index))\" stroke-width=\"2\"/>"
            }
            self.text(name, x: cx + 16, y: cy, anchor: "start", className: "legend")
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

/// A self-contained HTML page — text, tables and inline SVG charts, with its style sheet embedded and
/// no external assets — that a person opens in a browser. `inferctl bench --report` and
/// `inferctl simulate --report` write one.
///
/// The page is XHTML-compatible (every element closed, every attribute quoted, text escaped), so an
/// XML parser reads it as well as a browser.
///
/// ```swift
/// var report = HTMLReport(title: "inferd bench")
/// report.heading("Cold versus warm")
/// report.chart(SVGBarChart(...).render(), caption: "Fig. 4")
/// try report.render().write(toFile: "report/index.html", atomically: true, encoding: .utf8)
/// ```
public struct HTMLReport: Sendable {
    /// One block of the page, in order.
    public enum Block: Sendable, Equatable {
        /// A section heading (`<h2>`).
        case heading(String)
        /// A paragraph of plain text (escaped).
        case paragraph(String)
        /// Preformatted plain text (escaped), e.g. a terminal table.
        case preformatted(String)
        /// An SVG element from one of the chart types, inserted as is, with a caption.
        case chart(svg: String, caption: String)
        /// A table: header cells and rows of cells (plain text, escaped). The first `rowHeaders`
        /// cells of each row say what the row is and are drawn as row headers (`<th scope="row">`).
        case table(headers: [String], rows: [[String]], rowHeaders: Int)
    }

    /// The page title (`<title>` and `<h1>`).
    public var title: String
    /// A line under the title, e.g. the machine and the date.
    public var subtitle: String?
    public private(set) var blocks: [Block] = []

    public init(title: String, subtitle: String? = nil) {
        self.title = title
        self.subtitle = subtitle
    }

    public mutating func heading(_ text: String) { blocks.append(.heading(text)) }
    public mutating func paragraph(_ text: String) { blocks.append(.paragraph(text)) }
    public mutating func preformatted(_ text: String) { blocks.append(.preformatted(text)) }
    public mutating func chart(_ svg: String, caption: String) { blocks.append(.chart(svg: svg, caption: caption)) }
    /// A table whose first `rowHeaders` columns (at least one) name each row: together they must
    /// tell every row apart, as a reader needs them to (the browser test checks that they do).
    public mutating func table(headers: [String], rows: [[String]], rowHeaders: Int = 1) {
        blocks.append(.table(headers: headers, rows: rows, rowHeaders: max(1, rowHeaders)))
    }

    /// The whole page.
    public func render() -> String {
        var html = "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
        html += "<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        html += "<title>\(Markup.escape(title))</title>\n<style>\(Self.styleSheet)</style>\n</head>\n<body>\n"
        html += "<h1>\(Markup.escape(title))</h1>\n"
        if let subtitle { html += "<p class=\"subtitle\">\(Markup.escape(subtitle))</p>\n" }
        for block in blocks {
            switch block {
            case .heading(let text):
                html += "<h2>\(Markup.escape(text))</h2>\n"
            case .paragraph(let text):
                html += "<p>\(Markup.escape(text))</p>\n"
            case .preformatted(let text):
                html += "<pre>\(Markup.escape(text))</pre>\n"
            case .chart(let svg, let caption):
                html += "<figure>\n\(svg)\n<figcaption>\(Markup.escape(caption))</figcaption>\n</figure>\n"
            case .table(let headers, let rows, let rowHeaders):
                html += "<div class=\"table\"><table>\n<thead><tr>"
                html += headers.map { "<th scope=\"col\">\(Markup.escape($0))</th>" }.joined()
                html += "</tr></thead>\n<tbody>\n"
                for row in rows {
                    html += "<tr>" + row.enumerated().map { index, cell in
                        index < rowHeaders ? "<th scope=\"row\">\(Markup.escape(cell))</th>" : "<td>\(Markup.escape(cell))</td>"
                    }.joined() + "</tr>\n"
                }
                html += "</tbody>\n</table></div>\n"
            }
        }
        html += "</body>\n</html>\n"
        return html
    }

    /// Embedded CSS (no `<` or `&`, so it is valid XML text as well).
    static let styleSheet = """
    body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#222;padding:0 1em}\
    h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #ddd}\
    .subtitle{color:#666;margin-top:0}figure{margin:1em 0}figcaption{color:#555;font-size:.9em}\
    table{border-collapse:collapse;font-size:12px;margin:1em 0}th,td{border:1px solid #ddd;padding:3px 6px;text-align:right}\
    thead th{background:#f4f4f4}tbody th{font-weight:normal;text-align:left;background:#fafafa}\
    td:first-child,th:first-child{text-align:left}div.table{overflow-x:auto;max-width:100%}\
    svg.chart{max-width:100%;height:auto;display:block}pre{background:#f7f7f7;padding:.8em;overflow-x:auto;font-size:12px}
    """
}

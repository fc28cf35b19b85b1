/// A plain-text table: a header row and data rows, columns padded to their widest cell.
struct TextTable {
    /// How a column's cells line up.
    enum Alignment { case left, right }

    var headers: [String]
    var alignments: [Alignment]
    var rows: [[String]] = []
    /// Spaces before every line.
    var indent = 0

    init(headers: [String], alignments: [Alignment]? = nil, indent: Int = 0) {
        self.headers = headers
        self.alignments = alignments ?? Array(repeating: .left, count: headers.count)
        self.indent = indent
    }

    mutating func append(_ row: [String]) { rows.append(row) }

    /// The table as lines of text, trailing spaces removed.
    func render() -> String {
        let all = [headers] + rows
        let widths = headers.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        let prefix = String(repeating: " ", count: indent)
        return all.map { row in
            var line = prefix
            for (column, width) in widths.enumerated() {
                let cell = row.indices.contains(column) ? row[column] : ""
                let padding = String(repeating: " ", count: max(0, width - cell.count))
                line += alignments[column] == .right ? padding + cell : cell + padding
                if column < widths.count - 1 { line += "  " }
            }
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}

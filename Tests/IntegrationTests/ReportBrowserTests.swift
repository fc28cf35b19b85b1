import Foundation
import InferdTestKit
import Testing

/// The HTML reports as a reader sees them: rendered by headless Chromium in a 1280x800 window, with a
/// small script that measures every chart's box against its container and the window, every chart
/// text against its chart, and reads every table row's headers. A chart that overflows (or is cut
/// off) or a table row that does not say what it is fails the test.
///
/// Needs `chromium` (Debian; scripts/setup.sh installs it).
@Suite(.serialized) struct ReportBrowserTests {
    @Test func benchReportWithThePaperFitsTheWindowAndLabelsEveryRow() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The committed study's results, re-rendered by this build with the paper's figures.
        let run = try await InferctlProcess.run([
            "bench", "--from", DaemonProcess.packageRoot + "/docs/bench-report/bench.json",
            "--paper", DaemonProcess.packageRoot + "/benchmarks/paper/reference.json", "--report", directory,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let layout = try await Self.layout(of: directory + "/index.html")
        #expect(layout.svgs.count >= 6, "Table III, ratios' charts, Fig. 4 and Fig. 5: \(layout.svgs.map(\.title))")
        #expect(layout.svgs.contains { $0.title.hasPrefix("Table III") })
        Self.expectFits(layout)
        #expect(layout.rows.count > 20)
        Self.expectLabelled(layout)
        // What the browser saw, for the record (the closing notes quote it).
        let widest = layout.svgs.map(\.right).max() ?? 0
        print("report in chromium at \(layout.width) px: \(layout.svgs.count) charts, rightmost edge \(widest) px, "
            + "page overflow \(layout.pageOverflow) px, \(layout.rows.count) table rows, \(layout.rows.filter(\.labelled).count) labelled")
    }

    @Test func simulateReportFitsTheWindow() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let trace = directory + "/trace.jsonl"
        let generated = try await InferctlProcess.run([
            "trace", "generate", "--models", "a,b,c", "--popularity", "zipf:1.1", "--duration", "300", "--seed", "3", "--output", trace])
        #expect(generated.status == 0, "\(generated.stderr)")
        let simulated = try await InferctlProcess.run([
            "simulate", trace, "--cost", "a=40M,300,10", "--cost", "b=30M,200,8", "--cost", "c=20M,100,5",
            "--policies", "lru,lfu,gdsf,ttl:30,oracle", "--budgets", "40M,60M,90M", "--report", directory + "/report"])
        #expect(simulated.status == 0, "\(simulated.stderr)")
        let layout = try await Self.layout(of: directory + "/report/index.html")
        #expect(layout.svgs.count == 3)
        Self.expectFits(layout)
    }

    /// The check itself: a 1900 px chart without max-width and a row without a header are caught.
    @Test func theCheckCatchesAnOverflowingChartAndAnUnlabelledRow() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let page = """
        <!DOCTYPE html><html><body style="max-width:1000px;margin:auto">
        <figure><svg xmlns="http://www.w3.org/2000/svg" width="1900" height="300"><title>too wide</title>\
        <text x="1850" y="20">cut off</text></svg></figure>
        <table><tbody><tr><th scope="row">labelled</th><td>1</td></tr><tr><td>2</td><td>3</td></tr></tbody></table>
        </body></html>
        """
        try page.write(toFile: directory + "/index.html", atomically: true, encoding: .utf8)
        let layout = try await Self.layout(of: directory + "/index.html")
        let chart = try #require(layout.svgs.first)
        #expect(chart.right > chart.containerRight + 1, "the overflow is measured: \(chart)")
        #expect(layout.rows.map(\.labelled) == [true, false])
    }

    // MARK: - The browser

    struct Layout: Decodable {
        struct Chart: Decodable, CustomStringConvertible {
            var title: String
            var left: Double
            var right: Double
            var containerLeft: Double
            var containerRight: Double
            var textOutside: [String]
            var description: String { "\"\(title)\" \(left)...\(right) in \(containerLeft)...\(containerRight), text outside: \(textOutside)" }
        }

        struct Row: Decodable {
            var table: Int
            var label: String
            var labelled: Bool
            var duplicate: Bool
        }

        var width: Double
        var pageOverflow: Double
        var svgs: [Chart]
        var rows: [Row]
    }

    static func expectFits(_ layout: Layout) {
        #expect(layout.width == 1280, "the window is 1280 px wide")
        #expect(layout.pageOverflow <= 0, "the page scrolls sideways by \(layout.pageOverflow) px")
        for chart in layout.svgs {
            #expect(chart.left >= chart.containerLeft - 1 && chart.right <= chart.containerRight + 1, "overflows its container: \(chart)")
            #expect(chart.right <= layout.width, "overflows the window: \(chart)")
            #expect(chart.textOutside.isEmpty, "text cut off: \(chart)")
        }
    }

    static func expectLabelled(_ layout: Layout) {
        for row in layout.rows {
            #expect(row.labelled, "table \(row.table): a row without a header saying what it is (\(row.label))")
            #expect(!row.duplicate, "table \(row.table): two rows labelled \"\(row.label)\"")
        }
    }

    /// What the page looks like in a 1280x800 window: the measuring script is added to a copy of the
    /// page (the report itself has no script) and Chromium prints the DOM after it ran.
    static func layout(of page: String) async throws -> Layout {
        let browser = try #require(["chromium", "chromium-browser"].lazy.compactMap(Command.which).first,
                                   "chromium is not installed (scripts/setup.sh installs it)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        let checked = (page as NSString).deletingLastPathComponent + "/layout-check.html"
        try html.replacingOccurrences(of: "</body>", with: "<script>\(measure)</script></body>")
            .write(toFile: checked, atomically: true, encoding: .utf8)
        let run = try await Command.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                         "--hide-scrollbars", "--window-size=1280,800", "--dump-dom", "file://" + checked], timeout: 120)
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        guard let start = run.stdout.range(of: "<pre id=\"layout-check\">"),
              let end = run.stdout.range(of: "</pre>", range: start.upperBound..<run.stdout.endIndex),
              let data = Data(base64Encoded: String(run.stdout[start.upperBound..<end.lowerBound])) else {
            throw Command.Failure(description: "no layout in chromium's output: \(run.stdout.suffix(500)) \(run.stderr.suffix(1500))")
        }
        return try JSONDecoder().decode(Layout.self, from: data)
    }

    /// Measures the page and appends the result as base64 JSON in `<pre id="layout-check">`.
    static let measure = """
    (function () {
      var out = {width: window.innerWidth, pageOverflow: document.documentElement.scrollWidth - window.innerWidth, svgs: [], rows: []};
      document.querySelectorAll('svg').forEach(function (svg) {
        var box = svg.getBoundingClientRect(), parent = svg.parentElement.getBoundingClientRect();
        var title = svg.querySelector('title'), outside = [];
        svg.querySelectorAll('text').forEach(function (text) {
          var b = text.getBoundingClientRect();
          if (b.width > 0 && (b.left < box.left - 1 || b.right > box.right + 1 || b.top < box.top - 1 || b.bottom > box.bottom + 1)) {
            outside.push(text.textContent);
          }
        });
        out.svgs.push({title: title ? title.textContent : '', left: box.left, right: box.right,
                       containerLeft: parent.left, containerRight: parent.right, textOutside: outside});
      });
      document.querySelectorAll('table').forEach(function (table, index) {
        var seen = {};
        table.querySelectorAll('tbody tr').forEach(function (row) {
          var heads = Array.prototype.map.call(row.querySelectorAll('th'), function (th) { return th.textContent.trim(); });
          var label = heads.join(' | ');
          out.rows.push({table: index, label: label, labelled: heads.length > 0 && heads.every(function (h) { return h.length > 0; }),
                         duplicate: heads.length > 0 && seen[label] === true});
          seen[label] = true;
        });
      });
      var pre = document.createElement('pre');
      pre.id = 'layout-check';
      pre.textContent = btoa(unescape(encodeURIComponent(JSON.stringify(out))));
      document.body.appendChild(pre);
    })();
    """

    static func temporaryDirectory() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-browser-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }
}

import Foundation
@testable import InferdServer
import NIOCore
import NIOHTTP1
import Testing

/// The Prometheus text writer, histograms and the router's observer and HEAD handling, without a daemon.
@Suite struct MetricsTextTests {
    @Test func labelsAreEscapedAndNumbersSpelledAsPrometheusReadsThem() {
        var out = PrometheusText()
        out.family("x_total", .counter, "Help with \\ and\nnewline.")
        out.sample("x_total", [("model", "a\"b\\c\nd")], 3)
        out.sample("x_total", [], 0.25)
        out.sample("x_total", [], .infinity)
        #expect(out.text == """
            # HELP x_total Help with \\\\ and\\nnewline.
            # TYPE x_total counter
            x_total{model="a\\"b\\\\c\\nd"} 3
            x_total 0.25
            x_total +Inf

            """)
    }

    @Test func histogramBucketsAreCumulativeWithInfSumAndCount() {
        var histogram = MetricHistogram(bounds: [0.1, 1])
        for value in [0.05, 0.1, 0.5, 7] { histogram.observe(value) }
        var out = PrometheusText()
        out.histogram("h_seconds", [("model", "m")], histogram)
        #expect(out.text == """
            h_seconds_bucket{model="m",le="0.1"} 2
            h_seconds_bucket{model="m",le="1"} 3
            h_seconds_bucket{model="m",le="+Inf"} 4
            h_seconds_sum{model="m"} 7.65
            h_seconds_count{model="m"} 4

            """)
    }

    @Test func theRouterObservesEveryAnswerAndServesHEADWithGETRoutes() async {
        let seen = SeenAnswers()
        var router = Router(observe: { pattern, request, response in seen.add("\(pattern ?? "-") \(request.parameters["name"] ?? "-") \(response.status.code)") })
        router.add(.GET, "/v1/models/{name}") { _ in HTTPResponse(body: ByteBuffer(string: "{}")) }
        func request(_ method: HTTPMethod, _ path: String) -> HTTPRequest {
            HTTPRequest(method: method, uri: path, headers: [:], body: ByteBuffer())
        }
        #expect(await router.respond(to: request(.HEAD, "/v1/models/a")).status == .ok)
        let refused = await router.respond(to: request(.DELETE, "/v1/models/a"))
        #expect(refused.status == .methodNotAllowed && refused.headers.first(name: "Allow") == "GET, HEAD")
        #expect(await router.respond(to: request(.GET, "/nowhere")).status == .notFound)
        #expect(seen.all == ["/v1/models/{name} a 200", "- - 405", "- - 404"])
    }
}

private final class SeenAnswers: @unchecked Sendable {
    private var lines: [String] = []
    private let lock = NSLock()
    func add(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

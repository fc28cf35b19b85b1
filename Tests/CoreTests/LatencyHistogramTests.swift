import InferdStudy
import Testing

/// HdrHistogram-backed summaries: exact mean, minimum and maximum; percentiles to 3 significant digits.
@Suite struct LatencyHistogramTests {
    @Test func emptySummarisesToZeros() {
        #expect(LatencyHistogram().summary == .empty)
        #expect(LatencyHistogram().percentile(99) == 0)
    }

    @Test func oneValueSummarisesToItself() {
        let summary = LatencyHistogram([12.345]).summary
        #expect(summary.count == 1)
        #expect(summary.mean == 12.345)
        #expect(summary.p50 == 12.345)
        #expect(summary.p99 == 12.345)
        #expect(summary.min == 12.345 && summary.max == 12.345)
    }

    @Test func percentilesOfOneToAHundred() {
        let summary = LatencyHistogram((1...100).map(Double.init)).summary
        #expect(summary.count == 100)
        #expect(summary.mean == 50.5)
        #expect(abs(summary.p50 - 50) <= 0.05)
        #expect(abs(summary.p95 - 95) <= 0.1)
        #expect(abs(summary.p99 - 99) <= 0.1)
        #expect(summary.min == 1 && summary.max == 100)
    }

    @Test func longTailAndSubMillisecondValues() {
        var histogram = LatencyHistogram()
        for _ in 0..<990 { histogram.record(0.25) }
        for _ in 0..<10 { histogram.record(5000) }
        let summary = histogram.summary
        #expect(abs(summary.p50 - 0.25) < 0.001)
        #expect(abs(summary.p95 - 0.25) < 0.001)
        #expect(summary.max == 5000)
        #expect(abs(histogram.percentile(99.5) - 5000) / 5000 < 0.001, "a value far above the first still fits (auto-resize)")
    }

    @Test func negativeAndNonFiniteValuesCountAsZero() {
        let summary = LatencyHistogram([-3, .nan, 4]).summary
        #expect(summary.count == 3)
        #expect(summary.min == 0)
        #expect(summary.max == 4)
    }
}

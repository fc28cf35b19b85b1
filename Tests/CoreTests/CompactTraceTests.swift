import Foundation
import InferdStudy
import Testing

/// The byte-level CSV reader (the one `simulate` and `replay` read traces with).
@Suite struct CompactTraceTests {
    @Test func readsWhatTheTextSays() throws {
        let text = "# made by hand\r\ntime,model,image\r\n 2.5 , b ,x.jpg\n1e0,a\n\n0.25,a,\n1.5,b,y.jpg,extra\n1.5,c\n"
        let compact = try CompactTrace.parseCSV(Data(text.utf8))
        #expect(compact.comments == ["made by hand"])
        #expect(compact.names == ["a", "b", "c"])
        // Sorted by time, ties in the file's order.
        #expect(compact.times == [0.25, 1, 1.5, 1.5, 2.5])
        #expect(compact.modelIDs == [0, 0, 1, 2, 1])
        let trace = compact.trace
        #expect(trace.events.map(\.image) == [nil, nil, "y.jpg", nil, "x.jpg"])
        #expect(CompactTrace(trace).trace == trace)
        #expect(throws: TraceError.self) { try CompactTrace.parseCSV(Data("1,a\nsoon,b\n".utf8)) }
        #expect(throws: TraceError.self) { try CompactTrace.parseCSV(Data("1\n".utf8)) }
        #expect(throws: TraceError.self) { try CompactTrace.parseCSV(Data("-1,a\n".utf8)) }
    }

    /// Plain decimals are read directly, not through strtod: the value must be strtod's, to the bit.
    @Test func decimalsAreReadAsStrtodReadsThem() throws {
        var random = SeededRandom(seed: 42)
        var lines: [String] = []
        var expected: [Double] = []
        for index in 0..<20_000 {
            let text: String
            switch index % 4 {
            case 0: text = String(format: "%.6f", Double.random(in: 0...100_000, using: &random))
            case 1: text = String(Int.random(in: 0...1_000_000_000, using: &random)) + "." + String(Int.random(in: 0...999_999_999_999, using: &random))
            case 2: text = "0.\(Int.random(in: 0...9_999_999, using: &random))"
            default: text = String(UInt64.random(in: 0...UInt64.max, using: &random))   // past the fast path
            }
            lines.append("\(text),m")
            expected.append(strtod(text, nil))
        }
        let compact = try CompactTrace.parseCSV(Data(lines.joined(separator: "\n").utf8))
        #expect(compact.times.map(\.bitPattern) == expected.sorted().map(\.bitPattern))
    }
}

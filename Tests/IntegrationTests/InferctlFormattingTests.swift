import InferdWire
import Testing
@testable import inferctl

/// inferctl's text rendering and argument parsing, without processes: sizes, ages, the models table,
/// keep-alive durations.
@Suite struct InferctlFormattingTests {
    @Test func bytesUseDecimalUnitsLikeOllama() {
        #expect(HumanFormat.bytes(812) == "812 B")
        #expect(HumanFormat.bytes(38_702) == "39 KB")
        #expect(HumanFormat.bytes(4_800_000) == "4.8 MB")
        #expect(HumanFormat.bytes(Int64(233_000_000)) == "233 MB")
        #expect(HumanFormat.bytes(Int64(1_200_000_000)) == "1.2 GB")
    }

    @Test func agesAndExpiries() {
        #expect(HumanFormat.ago(97, now: 100) == "3 s ago")
        #expect(HumanFormat.ago(100 - 600, now: 100) == "10 min ago")
        #expect(HumanFormat.ago(nil, now: 100) == "never")
        #expect(HumanFormat.until(100 + 240, now: 100) == "in 4 min")
        #expect(HumanFormat.until(50, now: 100) == "now")
    }

    @Test func keepAliveDurations() throws {
        #expect(try KeepAliveCommand.parse("90") == .seconds(90))
        #expect(try KeepAliveCommand.parse("5m") == .seconds(300))
        #expect(try KeepAliveCommand.parse("2h") == .seconds(7200))
        #expect(try KeepAliveCommand.parse("0") == .seconds(0))
        #expect(try KeepAliveCommand.parse("forever") == .forever)
        #expect(try KeepAliveCommand.parse("-1") == .forever)
        #expect(try KeepAliveCommand.parse("default") == .daemonDefault)
        for bad in ["soon", "-5", "", "m", "1e400", "2y"] {
            #expect(throws: (any Error).self, "\(bad)") { try KeepAliveCommand.parse(bad) }
        }
    }

    @Test func modelsTableMarksEstimatesAndKeepAlive() {
        func model(_ name: String, _ state: ModelSummary.State, estimated: Bool, pinned: Bool = false,
                   lastUsed: Double? = nil, expiresAt: Double? = nil, failure: String? = nil) -> ModelSummary {
            ModelSummary(name: name, state: state, priorityClass: state == .warm ? (pinned ? .pinned : .recent) : nil,
                         pinned: pinned, bytes: 28_400_000, bytesEstimated: estimated, fileBytes: 18_000_000,
                         lastUsed: lastUsed, expiresAt: expiresAt, requests: 2, coldStarts: 1, inFlight: 0, loads: 1,
                         evictions: 0, lastLoadMilliseconds: 350, failure: failure, description: nil, syntheticWeights: false)
        }
        let list = ModelList(models: [
            model("efficientnet-lite0", .warm, estimated: false, lastUsed: 997, expiresAt: 1300),
            model("alexnet", .cold, estimated: true),
            model("squeezenet", .warm, estimated: false, pinned: true, lastUsed: 880),
            model("nin", .failed, estimated: true, failure: "corrupt model file"),
        ])
        let lines = ModelsCommand.render(list, now: 1000).split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("NAME"))
        #expect(lines[1].contains("warm") && lines[1].contains("3 s ago") && lines[1].contains("in 5 min") && lines[1].contains(" 28 MB"))
        #expect(lines[2].contains("~28 MB") && lines[2].contains("never"))
        #expect(lines[3].contains("pinned") && lines[3].contains("forever") && lines[3].contains("2 min ago"))
        #expect(lines.last == "nin failed: corrupt model file")
    }
}

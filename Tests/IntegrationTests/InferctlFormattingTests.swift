import InferdWire
import Testing
@testable import inferctl

/// inferctl's text rendering and argument parsing, without processes: sizes, ages, the models table,
/// keep-alive durations.
@Suite struct InferctlFormattingTests {
    @Test func bytesUseBinaryUnitsAsTheDaemonDoes() {
        #expect(HumanFormat.bytes(812) == "812 B")
        #expect(HumanFormat.bytes(38_702) == "38 KiB")
        #expect(HumanFormat.bytes(4_800_000) == "4.6 MiB")
        #expect(HumanFormat.bytes(Int64(233_000_000)) == "222 MiB")
        #expect(HumanFormat.bytes(Int64(1_200_000_000)) == "1.1 GiB")
        // `--memory-budget 512M` is 512 MiB in the log and in `inferctl status` alike.
        #expect(HumanFormat.bytes(Int64(512 << 20)) == "512 MiB")
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
        // As Ollama's keep_alive: units combine, and any negative duration means forever.
        #expect(try KeepAliveCommand.parse("1h30m") == .seconds(5400))
        #expect(try KeepAliveCommand.parse("-5m") == .forever)
        for bad in ["soon", "", "m", "1e400", "2y", "5m3"] {
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
        var warm = model("efficientnet-lite0", .warm, estimated: false, lastUsed: 997, expiresAt: 1300)
        warm.precision = "f32"
        warm.performanceHint = "throughput"
        warm.precisionChoice = "f32: no lower precision was at least 5% faster"
        var queue = InferenceQueueStatus()
        queue.capacity = 2
        queue.peakInFlight = 2
        queue.rejected = 3
        warm.inference = queue
        let list = ModelList(models: [
            warm,
            model("alexnet", .cold, estimated: true),
            model("squeezenet", .warm, estimated: false, pinned: true, lastUsed: 880),
            model("nin", .failed, estimated: true, failure: "corrupt model file"),
        ])
        let lines = ModelsCommand.render(list, now: 1000).split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("NAME"))
        #expect(lines[1].contains("warm") && lines[1].contains("3 s ago") && lines[1].contains("in 5 min") && lines[1].contains(" 27 MiB"))
        #expect(lines[1].contains("f32") && lines[1].contains("throughput") && lines[1].contains("0/2 peak 2 refused 3"))
        #expect(lines[2].contains("~27 MiB") && lines[2].contains("never"))
        #expect(lines[3].contains("pinned") && lines[3].contains("forever") && lines[3].contains("2 min ago"))
        #expect(lines.contains("nin failed: corrupt model file"))
        #expect(lines.last == "efficientnet-lite0 precision auto: f32: no lower precision was at least 5% faster")
    }
}

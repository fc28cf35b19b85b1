import Core
import Foundation
import InferdWire
import Testing

extension DaemonTests {
    /// The real daemon's load slot: a model's first load runs alone (its size is measured in-process);
    /// once footprints are known, loads of different models run beside each other and give no size sample.
    @Suite struct ParallelLoads {
        func load(_ daemon: DaemonProcess, _ model: String) async throws -> Int {
            try await RawHTTP.post(socket: daemon.socketPath, "/v1/models/\(model)/load").status
        }

        func loadTogether(_ daemon: DaemonProcess, _ models: [String]) async throws -> [Int] {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for model in models { group.addTask { try await load(daemon, model) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }

        @Test func firstLoadsRunAloneAndLaterOnesBesideEachOther() async throws {
            let daemon = try await DaemonProcess.start(arguments: ["--cache-dir", "", "--adaptive-streams", "off"])
            let models = ["efficientnet-lite0", "nin"]
            // First loads, asked for at once: they still run one after the other, each measured.
            #expect(try await loadTogether(daemon, models) == [200, 200])
            #expect(!daemon.stderrLog.contains("size-sample-skipped"), "\(daemon.stderrLog)")
            var footprints: [String: Int64] = [:]
            for model in models {
                footprints[model] = try await API.waitFor(daemon, model, timeout: 300) { $0.footprintBytes != nil }.footprintBytes
            }
            // Known footprints: loaded at once they overlap (a busy machine may serialise one round).
            for _ in 0..<3 where !daemon.stderrLog.contains("size-sample-skipped") {
                for model in models { #expect(try await RawHTTP.post(socket: daemon.socketPath, "/v1/models/\(model)/unload").status == 200) }
                #expect(try await loadTogether(daemon, models) == [200, 200])
            }
            #expect(daemon.stderrLog.contains("size-sample-skipped"), "\(daemon.stderrLog.suffix(3000))")
            for model in models {
                let summary = try await API.summary(daemon, model)
                #expect(summary.state == .warm && summary.bytes == footprints[model], "\(summary)")
            }
            #expect(try await daemon.stop() == 0)
        }
    }
}

import Core
import Foundation
import InferdWire
import Testing

extension DaemonTests {
    /// The lifecycle manager in the real daemon with real models: budget evictions in the policy's
    /// order, process memory under budget + base, pins, in-flight protection, pressure trims.
    @Suite struct LifecycleDaemon {
        /// Three small real models, and their measured sizes after a clean second load each (the first
        /// load of a process also pays OpenVINO's one-time set-up, which inflates its figure).
        static let trio = ["squeezenet", "nin", "efficientnet-lite0"]

        static func post(_ daemon: DaemonProcess, _ path: String) async throws -> RawHTTP.Response {
            try await RawHTTP.post(socket: daemon.socketPath, path)
        }

        /// Loads, unloads and reloads each model, then unloads all: returns the largest size each measured
        /// (measured sizes vary by several MiB from load to load, with the allocator's arenas).
        static func measureSizes(_ daemon: DaemonProcess, _ names: [String]) async throws -> [String: Int64] {
            var sizes: [String: Int64] = [:]
            for name in names {
                for action in ["load", "unload", "load", "unload"] {
                    let response = try await post(daemon, "/v1/models/\(name)/\(action)")
                    try #require(response.status == 200, "\(action) \(name): \(response.text)")
                    if action == "load" {
                        sizes[name] = max(sizes[name] ?? 0, try response.json(ModelSummary.self).bytes)
                    }
                }
            }
            return sizes
        }

        static func warm(_ daemon: DaemonProcess) async throws -> Set<String> {
            Set(try await API.models(daemon).filter { $0.state == .warm }.map(\.name))
        }

        static func residentBytes(_ pid: Int32) -> Int64 {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
            for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
                return (line.split(separator: " ").dropFirst().first.flatMap { Int64($0) } ?? 0) * 1024
            }
            return 0
        }

        @Test func roundRobinUnderABudgetForTwoOfThreeEvictsInLRUOrder() async throws {
            // Measure with a generous budget first, then restart with one that fits two of three.
            let probe = try await DaemonProcess.start(arguments: ["--memory-budget", "2G"])
            let sizes = try await Self.measureSizes(probe, Self.trio)
            #expect(try await probe.stop() == 0)
            // Well short of all three: resident sizes measured by RSS vary by several MiB from load to
            // load (allocator arenas), so the test asserts LRU's invariant rather than an exact schedule.
            let budget = Self.trio.map { sizes[$0]! }.reduce(0, +) * 7 / 10

            let daemon = try await DaemonProcess.start(arguments: [
                "--memory-budget", "\(budget)", "--policy", "lru", "--min-residency", "0"])
            _ = try await Self.measureSizes(daemon, Self.trio)
            let base = Self.residentBytes(daemon.pid)
            var recent: [String] = []
            var maxResident: Int64 = 0
            for round in 0..<3 {
                for name in Self.trio {
                    let answer = try await API.classified(daemon, model: name, sample: "coffee.jpg", top: 1)
                    // Round robin over three with room for two at most: every request finds its model evicted.
                    #expect(answer.cold, "round \(round), \(name)")
                    recent.append(name)
                    // LRU's invariant: what stays warm is always the most recently used models.
                    let warm = try await Self.warm(daemon)
                    #expect(warm.contains(name) && warm == Set(recent.suffix(warm.count)), "after \(recent): \(warm)")
                    #expect(warm.count < 3)
                    maxResident = max(maxResident, Self.residentBytes(daemon.pid))
                }
            }
            let status = try await RawHTTP.get(socket: daemon.socketPath, "/v1/status").json(StatusResponse.self)
            #expect((status.counters.evictions["budget"] ?? 0) >= 6, "\(status.counters.evictions)")
            #expect(status.usedBytes <= budget)
            // Process memory stays under the daemon's base (with everything unloaded) plus the budget,
            // with 128 MiB for decode buffers, allocator arenas and measurement noise.
            #expect(maxResident <= base + budget + 128 << 20,
                    "resident \(formatBytes(maxResident)), base \(formatBytes(base)), budget \(formatBytes(budget))")
            #expect(try await daemon.stop() == 0)
        }

        @Test func aPinnedModelSurvivesRoundRobinPressure() async throws {
            // f32: precision auto measures three precisions at a model's first load, which makes the
            // sizes measured here swing between runs; this test is about pinning.
            let daemon = try await DaemonProcess.start(arguments: ["--memory-budget", "2G", "--precision", "f32"])
            let sizes = try await Self.measureSizes(daemon, Self.trio)
            #expect(try await daemon.stop() == 0)
            // Room for the pinned model (whose first load of the process measures up to twice its later
            // size) and one other, never for both others.
            let pair = [sizes["nin"]!, sizes["efficientnet-lite0"]!]
            let budget = 2 * sizes["squeezenet"]! + pair.max()! + pair.min()! * 2 / 5

            let pinned = try await DaemonProcess.start(arguments: [
                "--memory-budget", "\(budget)", "--min-residency", "0", "--pin", "squeezenet", "--precision", "f32"])
            #expect(try await API.summary(pinned, "squeezenet").state == .warm)
            for name in ["nin", "efficientnet-lite0", "nin", "efficientnet-lite0"] {
                _ = try await API.classified(pinned, model: name, sample: "coffee.jpg", top: 1)
                let warm = try await Self.warm(pinned)
                #expect(warm.contains("squeezenet") && warm.count <= 2, "\(warm)")
            }
            let evictions = try await RawHTTP.get(socket: pinned.socketPath, "/v1/status").json(StatusResponse.self).counters.evictions
            #expect((evictions["budget"] ?? 0) >= 3, "\(evictions)")
            let squeezenet = try await API.summary(pinned, "squeezenet")
            #expect(squeezenet.pinned && squeezenet.priorityClass == .pinned && squeezenet.evictions == 0)
            // Unloading a pinned model is refused until it is unpinned.
            #expect(try await Self.post(pinned, "/v1/models/squeezenet/unload").status == 409)
            #expect(try await Self.post(pinned, "/v1/models/squeezenet/unpin").status == 200)
            #expect(try await Self.post(pinned, "/v1/models/squeezenet/unload").status == 200)
            #expect(try await pinned.stop() == 0)
        }

        @Test func inFlightRequestsOnAVictimComplete() async throws {
            let probe = try await DaemonProcess.start(arguments: ["--memory-budget", "2G"])
            let sizes = try await Self.measureSizes(probe, ["nin", "efficientnet-lite0"])
            #expect(try await probe.stop() == 0)
            // Room for one of the two only, with margins wider than the load-to-load variation of measured sizes.
            let pair = [sizes["nin"]!, sizes["efficientnet-lite0"]!]
            let budget = pair.max()! + pair.min()! * 2 / 5
            let daemon = try await DaemonProcess.start(arguments: ["--memory-budget", "\(budget)", "--min-residency", "0"])
            _ = try await API.classified(daemon, model: "nin", sample: "coffee.jpg", top: 1)

            // Many requests on nin in flight while efficientnet-lite0 needs nin's room.
            let statuses = try await withThrowingTaskGroup(of: (String, Int).self) { group in
                for _ in 0..<12 {
                    group.addTask { ("nin", try await API.classify(daemon, model: "nin", sample: "groups/2160x3840/coffee.jpg").status) }
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(20))
                    return ("efficientnet-lite0", try await API.classify(daemon, model: "efficientnet-lite0", sample: "coffee.jpg").status)
                }
                return try await group.reduce(into: [(String, Int)]()) { $0.append($1) }
            }
            #expect(statuses.count == 13)
            #expect(statuses.allSatisfy { $0.1 == 200 }, "\(statuses)")
            let summaries = try await API.models(daemon)
            #expect(summaries.allSatisfy { $0.inFlight == 0 })
            #expect(summaries.first { $0.name == "nin" }?.requests == 13)
            #expect(try await daemon.stop() == 0)
        }

        @Test func trimLevelsEvictByClass() async throws {
            let daemon = try await DaemonProcess.start(arguments: [
                "--memory-budget", "2G", "--recent-window", "3600", "--pin", "squeezenet"])
            for name in ["nin", "efficientnet-lite0"] {
                _ = try await API.classified(daemon, model: name, sample: "coffee.jpg", top: 1)
            }
            // Everything is recent: moderate pressure only takes cached models, so nothing goes.
            let moderate = try await Self.post(daemon, "/v1/trim?level=moderate")
            #expect(moderate.status == 200, "\(moderate.text)")
            #expect(try await Self.warm(daemon) == ["squeezenet", "nin", "efficientnet-lite0"])
            // Critical takes everything but pinned and in-flight models.
            let critical = try await Self.post(daemon, "/v1/trim?level=critical")
            #expect(critical.status == 200, "\(critical.text)")
            #expect(try await Self.warm(daemon) == ["squeezenet"])
            let status = try await RawHTTP.get(socket: daemon.socketPath, "/v1/status").json(StatusResponse.self)
            // An operator's trim: counted as manual, and no pressure level is left behind.
            #expect(status.counters.evictions["manual"] == 2 && status.counters.evictions["pressure-critical"] == nil)
            #expect(status.pressure == "none")
            #expect(try await Self.post(daemon, "/v1/trim?level=severe").status == 400)
            #expect(try await daemon.stop() == 0)
        }

        @Test func aFootprintMeasuredInASeparateProcessIsChargedAndKeptInTheCache() async throws {
            let cache = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-footprint-\(UUID().uuidString.prefix(8))").path
            defer { try? FileManager.default.removeItem(atPath: cache) }
            let first = try await DaemonProcess.start(arguments: ["--cache-dir", cache])
            _ = try await API.classified(first, model: "squeezenet", sample: "coffee.jpg")
            // The measuring process runs after the load; the warm model is then charged its footprint.
            let measured = try await API.waitFor(first, "squeezenet") { $0.footprintBytes != nil }
            let footprint = try #require(measured.footprintBytes)
            #expect(footprint >= 1 << 20, "squeezenet's weights alone are 4.8 MB: \(footprint)")
            #expect(measured.state == .warm && measured.bytes == footprint)
            #expect(first.stderrLog.contains("measured the footprint of squeezenet"), "\(first.stderrLog)")
            let records = try FileManager.default.contentsOfDirectory(atPath: cache)
                .filter { $0.hasPrefix("inferd-squeezenet-") && $0.hasSuffix(".footprint.json") }
            #expect(records.count == 1, "\(records)")
            #expect(try await first.stop() == 0)

            // Another daemon on the same cache knows it before the first load, charges it at the load
            // (whatever its own process measured) and measures nothing.
            let second = try await DaemonProcess.start(arguments: ["--cache-dir", cache])
            let cold = try await API.summary(second, "squeezenet")
            #expect(cold.state == .cold && cold.bytesEstimated && cold.bytes == footprint && cold.footprintBytes == footprint)
            _ = try await API.classified(second, model: "squeezenet", sample: "coffee.jpg")
            let warm = try await API.summary(second, "squeezenet")
            #expect(warm.state == .warm && !warm.bytesEstimated && warm.bytes == footprint)
            #expect(!second.stderrLog.contains("measured the footprint"), "\(second.stderrLog)")
            #expect(try await second.stop() == 0)

            // Other engine options are another key: nothing known until measured again. File accounting
            // charges the file and measures nothing.
            let threads = try await DaemonProcess.start(arguments: ["--cache-dir", cache, "--threads", "1"])
            #expect(try await API.summary(threads, "squeezenet").footprintBytes == nil)
            #expect(try await threads.stop() == 0)
            let file = try await DaemonProcess.start(arguments: ["--cache-dir", cache, "--size-accounting", "file"])
            _ = try await API.classified(file, model: "nin", sample: "coffee.jpg")
            #expect(try await API.summary(file, "nin").footprintBytes == nil)
            #expect(try await API.summary(file, "squeezenet").footprintBytes == nil)
            #expect(try await file.stop() == 0)
            #expect(!file.stderrLog.contains("measured the footprint"), "\(file.stderrLog)")
        }

        @Test func theMeasuringProcessRefusesABadSpecClearly() async throws {
            let result = try await Command.run([try DaemonProcess.binaryPath, "--measure-footprint", "not json"])
            #expect(result.status != 0)
            #expect(result.stderr.contains("--measure-footprint takes a JSON spec"), "\(result.stderr)")
        }

        @Test func aBudgetBelowTheSmallestModelIsAClearErrorAtStart() async throws {
            let daemon = try DaemonProcess.launch(arguments: ["--memory-budget", "1M"])
            #expect(try await daemon.waitForExit(timeout: 60) == 2)
            #expect(daemon.stderrLog.contains("below the smallest model"), "\(daemon.stderrLog)")
        }
    }
}

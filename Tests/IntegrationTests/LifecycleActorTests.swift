import Core
import Foundation
import InferdWire
import Testing

extension DaemonTests {
    /// The thin lifecycle actor and bounded request memory in the real daemon: trims that leave no
    /// pressure behind, frees that do not stall status and measure what really came back, the in-flight
    /// cap's 503, and catalog rescans that reach the offload path.
    @Suite struct LifecycleActor {
        static func status(_ daemon: DaemonProcess) async throws -> StatusResponse {
            try await RawHTTP.get(socket: daemon.socketPath, "/v1/status").json(StatusResponse.self)
        }

        @Test func trimEvictsOnceAsManualAndLeavesNoStickyPressure() async throws {
            // `--keep-alive -1` is accepted as the help says (a negative number is a value, not a flag).
            let daemon = try await DaemonProcess.start(arguments: ["--keep-alive", "-1", "--recent-window", "0"])
            _ = try await API.classified(daemon, model: "squeezenet", sample: "coffee.jpg", top: 1)
            #expect(try await API.summary(daemon, "squeezenet").expiresAt == nil, "keep-alive -1: never expires")
            let trim = try await RawHTTP.post(socket: daemon.socketPath, "/v1/trim?level=critical")
            #expect(trim.status == 200, "\(trim.text)")
            #expect(try trim.json(TrimResponse.self).evicted == ["squeezenet"])
            let status = try await Self.status(daemon)
            #expect(status.pressure == "none", "a trim is not pressure")
            #expect(status.counters.evictions["manual"] == 1 && status.counters.evictions["pressure-critical"] == nil,
                    "\(status.counters.evictions)")
            // Nothing sticky: the next request runs and the model stays warm.
            _ = try await API.classified(daemon, model: "squeezenet", sample: "coffee.jpg", top: 1)
            #expect(try await API.summary(daemon, "squeezenet").state == .warm)
            #expect(try await daemon.stop() == 0)
        }

        @Test func moderatePressureEvictsInPolicyOrderJustUntilTheTargetIsMet() async throws {
            // Low watermark a quarter of 1 GiB: alexnet (~371 MB, least recently used) alone brings
            // the four warm models under it; the three small ones stay.
            let daemon = try await DaemonProcess.start(arguments: ["--memory-budget", "1G", "--recent-window", "0", "--policy", "lru"],
                                                       environment: ["INFERD_LOW_WATERMARK": "0.25"])
            for name in ["alexnet", "nin", "efficientnet-lite0", "squeezenet"] {
                let loaded = try await RawHTTP.post(socket: daemon.socketPath, "/v1/models/\(name)/load")
                try #require(loaded.status == 200, "\(name): \(loaded.text)")
            }
            let trim = try await RawHTTP.post(socket: daemon.socketPath, "/v1/trim?level=moderate")
            #expect(try trim.json(TrimResponse.self).evicted == ["alexnet"], "\(trim.text)")
            let warm = Set(try await API.models(daemon).filter { $0.state == .warm }.map(\.name))
            #expect(warm == ["nin", "efficientnet-lite0", "squeezenet"])
            #expect(try await Self.status(daemon).usedBytes <= 256 << 20)
            #expect(try await daemon.stop() == 0)
        }

        @Test func unloadingABigModelFreesOffTheActorAndMeasuresWhatCameBack() async throws {
            let daemon = try await DaemonProcess.start(arguments: ["--memory-budget", "2G"])
            let loaded = try await RawHTTP.post(socket: daemon.socketPath, "/v1/models/alexnet/load")
            try #require(loaded.status == 200, "\(loaded.text)")
            let charged = try loaded.json(ModelSummary.self).bytes
            let socket = daemon.socketPath
            let unload = Task { try await RawHTTP.post(socket: socket, "/v1/models/alexnet/unload") }
            // Status keeps answering while alexnet's memory is released.
            var answered = 0
            while !Task.isCancelled {
                let status = try await RawHTTP.get(socket: socket, "/v1/status")
                #expect(status.status == 200)
                answered += 1
                let state = try? await API.summary(daemon, "alexnet").state
                if answered >= 200 || state == .cold { break }
            }
            let unloaded = try await unload.value
            #expect(unloaded.status == 200, "\(unloaded.text)")
            #expect(try unloaded.json(ModelSummary.self).state == .cold, "the unload answers once the memory is back")
            #expect(answered >= 1)
            // The log's bytes_freed is read after the free and malloc_trim: within 20 % of the charge.
            let line = try #require(daemon.stderrLog.split(separator: "\n").last { $0.contains("evicted alexnet") })
            let freed = try #require(Self.number(after: "bytes_freed=", in: String(line)))
            #expect(abs(Double(freed) - Double(charged)) <= 0.2 * Double(charged),
                    "bytes_freed \(formatBytes(freed)) against the charged \(formatBytes(charged)): \(line)")
            #expect(try await daemon.stop() == 0)
        }

        @Test func theInFlightCapAnswers503WithRetryAfter() async throws {
            let daemon = try await DaemonProcess.start(arguments: ["--max-in-flight-bytes", "1M"],
                                                       environment: ["INFERD_IN_FLIGHT_WAIT": "300ms"])
            let status = try await Self.status(daemon)
            #expect(status.inFlightLimitBytes == 1 << 20 && status.inFlightBytes == 0)
            // A request whose body is still on its way holds twice its declared length (800,000 bytes).
            let slow = try RawHTTP.Connection(socket: daemon.socketPath, timeout: 30)
            defer { slow.close() }
            try slow.write("POST /v2/models/squeezenet/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 400000\r\n\r\n")
            var held: Int64 = 0
            for _ in 0..<100 where held == 0 {
                held = try await Self.status(daemon).inFlightBytes ?? 0
                if held == 0 { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(held == 800_000)
            // The next one does not fit in what is left: a short wait, then 503 with Retry-After.
            let refused = try await RawHTTP.send(socket: daemon.socketPath, method: "POST", path: "/v2/models/squeezenet/infer",
                                                 headers: ["Content-Type": "application/json"], body: Array(repeating: 0x20, count: 150_000))
            #expect(refused.status == 503, "\(refused.text)")
            #expect(refused.header("Retry-After") == "1")
            #expect(refused.text.contains("overloaded"), "\(refused.text)")
            // Once the first request is gone, its bytes are back and the same request is served.
            slow.close()
            for _ in 0..<100 where (try await Self.status(daemon).inFlightBytes ?? 0) > 0 {
                try await Task.sleep(for: .milliseconds(20))
            }
            let served = try await RawHTTP.send(socket: daemon.socketPath, method: "POST", path: "/v2/models/squeezenet/infer",
                                                headers: ["Content-Type": "application/json"], body: Array(repeating: 0x20, count: 150_000))
            #expect(served.status == 400, "an empty JSON body: refused as such, not for memory: \(served.text)")
            #expect(try await daemon.stop() == 0)
        }

        @Test func aRescanOnSIGHUPReachesTheOffloadPath() async throws {
            let (cloud, address) = try await Offload.cloud()
            let models = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-hup-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
            try FileManager.default.createDirectory(atPath: models, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: models) }
            let edge = try await DaemonProcess.start(arguments: [
                "--models", models, "--offload-remote", "http://\(address) protocol=oip", "--offload", "always"])
            #expect(try await Offload.classify(edge, "squeezenet").status == 404)
            try FileManager.default.copyItem(atPath: DaemonProcess.modelsDirectory + "/squeezenet", toPath: models + "/squeezenet")
            edge.signal(SIGHUP)
            for _ in 0..<500 where try await RawHTTP.get(socket: edge.socketPath, "/v1/models/squeezenet").status != 200 {
                try await Task.sleep(for: .milliseconds(20))
            }
            let answer = try await Offload.classify(edge, "squeezenet")
            #expect(answer.status == 200, "\(answer.text)")
            let response = try answer.json(ClassifyResponse.self)
            #expect(response.placement?.side == .remote)
            // The labels come from the bundle the rescan added: the offload path sees the new catalog
            // (with the catalog captured at start it knew no labels and answered "class N").
            #expect(!response.labels[0].label.hasPrefix("class "), "\(response.labels)")
            #expect(try await edge.stop() == 0)
            #expect(try await cloud.stop() == 0)
        }

        /// The integer after `key` in `line`.
        static func number(after key: String, in line: String) -> Int64? {
            guard let range = line.range(of: key) else { return nil }
            return Int64(line[range.upperBound...].prefix { $0.isNumber })
        }
    }
}

import Foundation
import InferdWire
import Testing

extension DaemonTests {
    /// Hybrid offload between two real daemons on loopback: an "edge" that offloads to a "cloud"
    /// listening on TCP.
    @Suite struct Offload {
        /// A cloud daemon on a kernel-picked TCP port, and its `host:port`.
        static func cloud(arguments: [String] = []) async throws -> (DaemonProcess, String) {
            let cloud = try await DaemonProcess.start(arguments: ["--listen", "tcp://127.0.0.1:0"] + arguments)
            let status = try await RawHTTP.get(socket: cloud.socketPath, "/v1/status").json(StatusResponse.self)
            let tcp = try #require(status.listeners?.first { $0.hasPrefix("tcp://") })
            return (cloud, String(tcp.dropFirst("tcp://".count)))
        }

        static func classify(_ daemon: DaemonProcess, _ model: String, sample: String = "chelsea.jpg",
                             query: String = "") async throws -> RawHTTP.Response {
            try await RawHTTP.post(socket: daemon.socketPath, "/v1/models/\(model)/classify?top=3\(query)",
                                   body: try DaemonProcess.sampleBytes(sample))
        }

        static func requests(_ daemon: DaemonProcess, _ model: String) async throws -> Int {
            try await API.summary(daemon, model).requests
        }

        @Test func whenColdSendsColdModelsAwayAndKeepsWarmOnesHere() async throws {
            let (cloud, address) = try await Self.cloud()
            let edge = try await DaemonProcess.start(arguments: ["--offload-remote", "http://\(address)", "--offload", "when-cold"])

            let first = try await Self.classify(edge, "efficientnet-lite0")
            #expect(first.status == 200, "\(first.text)")
            let remote = try first.json(ClassifyResponse.self)
            let placement = try #require(remote.placement)
            #expect(placement.side == .remote && placement.mode == "when-cold" && placement.remote == "http://\(address)")
            #expect(placement.reason.contains("not warm"))
            let network = try #require(placement.network)
            #expect(network.bytesSent > 38_000 && network.bytesReceived > 0 && network.remoteReported != nil)
            // The exchange covers the remote's own time (not `server` alone: where upload ends and the
            // wait begins is read on an event loop that a loaded machine can run late).
            #expect(network.total >= network.remoteReported!,
                    "the exchange covers the remote's own time: \(network)")
            #expect(API.isCat(remote.labels[0].label))
            #expect(try await Self.requests(cloud, "efficientnet-lite0") == 1, "the cloud answered it")
            #expect(try await API.summary(edge, "efficientnet-lite0").state == .cold, "nothing was loaded here")

            // Warm it here: from then on it stays here.
            #expect(try await RawHTTP.post(socket: edge.socketPath, "/v1/models/efficientnet-lite0/load").status == 200)
            let local = try await Self.classify(edge, "efficientnet-lite0").json(ClassifyResponse.self)
            #expect(local.placement?.side == .local && local.placement?.reason.contains("warm here") == true)
            #expect(local.labels.map(\.index) == remote.labels.map(\.index), "the same answer on both sides")
            #expect(try await Self.requests(cloud, "efficientnet-lite0") == 1)

            // A per-request mode overrides the configured one.
            let forced = try await Self.classify(edge, "efficientnet-lite0", query: "&offload=always").json(ClassifyResponse.self)
            #expect(forced.placement?.side == .remote && forced.placement?.mode == "always")
            let status = try await RawHTTP.get(socket: edge.socketPath, "/v1/status").json(StatusResponse.self)
            let offload = try #require(status.offload)
            #expect(offload.mode == "when-cold" && offload.remote == 2 && offload.local == 1 && offload.fallback == 0)
            #expect(offload.remotes.first?.requests == 2 && offload.remotes.first?.roundTripMs != nil)
            #expect(try await Self.classify(edge, "efficientnet-lite0", query: "&offload=sometimes").status == 400)
            #expect(try await edge.stop() == 0)
            #expect(try await cloud.stop() == 0)
        }

        @Test func aDeadRemoteFallsBackHereAndIsThenSkipped() async throws {
            let (cloud, address) = try await Self.cloud()
            let edge = try await DaemonProcess.start(arguments: ["--offload-remote", "http://\(address) models=squeezenet", "--offload", "always"])
            #expect(try await Self.classify(edge, "squeezenet").json(ClassifyResponse.self).placement?.side == .remote)
            #expect(try await cloud.stop() == 0)

            let fallback = try await Self.classify(edge, "squeezenet").json(ClassifyResponse.self)
            let placement = try #require(fallback.placement)
            #expect(placement.side == .local && placement.fallback && placement.remote == "http://\(address)")
            #expect(placement.remoteError?.contains("connection refused") == true, "\(placement.remoteError ?? "")")
            #expect(fallback.cold, "the fallback paid the load here")
            let skipped = try await Self.classify(edge, "squeezenet").json(ClassifyResponse.self)
            #expect(skipped.placement?.side == .local && skipped.placement?.fallback == false)
            #expect(skipped.placement?.reason.contains("failed recently") == true)
            // A model the remote does not serve never goes there.
            let nin = try await Self.classify(edge, "nin").json(ClassifyResponse.self)
            #expect(nin.placement?.reason.contains("no remote serves nin") == true)

            let offload = try #require(try await RawHTTP.get(socket: edge.socketPath, "/v1/status").json(StatusResponse.self).offload)
            #expect(offload.fallback == 1 && offload.remote == 1 && offload.local == 2)
            #expect(offload.remotes[0].failures == 1 && offload.remotes[0].lastError != nil)
            #expect(try await edge.stop() == 0)
        }

        @Test func badInputIsRefusedHereWithoutUploading() async throws {
            let (cloud, address) = try await Self.cloud()
            let edge = try await DaemonProcess.start(arguments: ["--offload-remote", "http://\(address)", "--offload", "always"])
            for (sample, status) in [("bad/not-an-image.jpg", 415), ("bad/huge-dims.jpg", 413), ("bad/huge-dims.png", 413), ("bad/empty.jpg", 400)] {
                let answer = try await Self.classify(edge, "squeezenet", sample: sample)
                #expect(answer.status == status, "\(sample): \(answer.text)")
            }
            #expect(try await Self.classify(edge, "no-such-model").status == 404)
            let cloudStatus = try await RawHTTP.get(socket: cloud.socketPath, "/v1/status").json(StatusResponse.self)
            #expect(cloudStatus.counters.requests == 0 && cloudStatus.counters.errors == 0, "nothing reached the cloud")
            // A body that passes the header check but is corrupt: the cloud refuses it, and so does the edge.
            let truncated = try await Self.classify(edge, "squeezenet", sample: "bad/corrupt.jpg")
            #expect(truncated.status == 400 && truncated.text.contains("remote refused"), "\(truncated.text)")
            let offload = try #require(try await RawHTTP.get(socket: edge.socketPath, "/v1/status").json(StatusResponse.self).offload)
            #expect(offload.remotes[0].failures == 0, "a bad image is not the remote's failure")
            #expect(try await Self.classify(edge, "squeezenet").status == 200, "still serving")
            #expect(try await edge.stop() == 0)
            #expect(try await cloud.stop() == 0)
        }

        @Test func anOIPOnlyRemoteGetsATensorPreparedHere() async throws {
            let (cloud, address) = try await Self.cloud()
            let edge = try await DaemonProcess.start(arguments: ["--offload-remote", "http://\(address) protocol=oip", "--offload", "always"])
            let answer = try await Self.classify(edge, "efficientnet-lite0").json(ClassifyResponse.self)
            #expect(answer.placement?.side == .remote, "\(String(describing: answer.placement))")
            #expect(API.isCat(answer.labels[0].label), "\(answer.labels)")
            let network = try #require(answer.placement?.network)
            #expect(network.bytesSent > 100_000, "a decoded RGB tensor, bigger than the 38 KB JPEG: \(network.bytesSent)")
            #expect(answer.timings.decode > 0, "decoded here for the tensor")
            let local = try await Self.classify(edge, "efficientnet-lite0", query: "&offload=never").json(ClassifyResponse.self)
            #expect(local.labels.first?.index == answer.labels.first?.index)
            #expect(try await edge.stop() == 0)
            #expect(try await cloud.stop() == 0)
        }

        @Test func inferctlAsksWhereToRunAndShowsWhereItRan() async throws {
            let (cloud, address) = try await Self.cloud()
            let edge = try await DaemonProcess.start(arguments: ["--offload-remote", "http://\(address)", "--offload", "never"])
            let text = try await InferctlProcess.run(["classify", "--socket", edge.socketPath, "-m", "squeezenet", "--offload", "always",
                                                      DaemonProcess.sample("coffee.jpg")])
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.contains("ran remote on http://\(address) (always)"), "\(text.stdout)")
            let json = try await InferctlProcess.run(["classify", "--socket", edge.socketPath, "-m", "squeezenet", "--json",
                                                      DaemonProcess.sample("coffee.jpg")])
            let records = try #require(try json.json() as? [[String: Any]])
            let placement = try #require(records.first?["placement"] as? [String: Any])
            #expect(placement["where"] as? String == "local" && placement["mode"] as? String == "never")
            let status = try await InferctlProcess.run(["status", "--socket", edge.socketPath])
            #expect(status.stdout.contains("offload") && status.stdout.contains("never: 1 here, 1 remote, 0 fell back here"), "\(status.stdout)")
            #expect(status.stdout.contains("remote     http://\(address): 1 requests, 0 failed"), "\(status.stdout)")
            let refused = try await InferctlProcess.run(["classify", "--in-process", "--offload", "auto", "-m", "squeezenet",
                                                         DaemonProcess.sample("coffee.jpg")])
            #expect(refused.status == 2 && refused.stderr.contains("--offload"))
            #expect(try await edge.stop() == 0)
            #expect(try await cloud.stop() == 0)
        }

        @Test func aModelThatCannotFitHereIsSentAwayInsteadOfRefused() async throws {
            let (cloud, address) = try await Self.cloud()
            // 64 MB: alexnet's 244 MB of weights can never load here; squeezenet fits.
            let edge = try await DaemonProcess.start(arguments: ["--memory-budget", "64M", "--offload-remote", "http://\(address)",
                                                                 "--offload", "auto"])
            let refusedHere = try await Self.classify(edge, "alexnet", query: "&offload=never")
            #expect(refusedHere.status == 507, "without offloading the budget refuses it: \(refusedHere.text)")
            let away = try await Self.classify(edge, "alexnet").json(ClassifyResponse.self)
            #expect(away.placement?.side == .remote && away.placement?.reason.contains("cannot fit the memory budget") == true,
                    "\(String(describing: away.placement))")
            #expect(try await API.summary(edge, "alexnet").state == .cold, "nothing was loaded here")
            #expect(try await edge.stop() == 0)
            #expect(try await cloud.stop() == 0)
        }

        @Test func withoutRemotesAskingToOffloadIsABadRequest() async throws {
            let daemon = try await DaemonProcess.start()
            let answer = try await Self.classify(daemon, "squeezenet", query: "&offload=always")
            #expect(answer.status == 400 && answer.text.contains("no remotes"))
            let plain = try await Self.classify(daemon, "squeezenet", query: "&offload=never").json(ClassifyResponse.self)
            #expect(plain.placement == nil)
            #expect(try await daemon.stop() == 0)
        }
    }
}

import Core
import InferdWire
import Foundation
import Testing

extension DaemonTests {
    /// A stock KServe `ModelServer` (``ForeignOIPServer``) as the remote: not an inferd, not a stub. Its
    /// metadata says `"versions": null`, no parameters, an FP32 NCHW input that says nothing of its
    /// normalisation; it reports no time of its own. Skipped, saying why, only where setup could not
    /// install `kserve`.
    @Suite(.enabled(if: ForeignOIPServer.Kind.kserve.isInstalled, ForeignOIPServer.Kind.kserve.skipReason))
    struct KServeRemote {
        static let model = "efficientnet-lite0"
        static let photo = "coffee.jpg"

        /// The edge's own answer for the photo (`offload=never`): the labels to agree with.
        static func local(_ edge: DaemonProcess) async throws -> ClassifyResponse {
            let answer = try await Offload.classify(edge, model, sample: photo, query: "&offload=never")
            #expect(answer.status == 200, "\(answer.text)")
            return try answer.json(ClassifyResponse.self)
        }

        /// `answer` ran on the KServe server and agrees with `local`: same best class, its probability
        /// within 0.05 (the tensor is resized here, bilinear, instead of inside the model).
        static func expectRemote(_ answer: ClassifyResponse, agreesWith local: ClassifyResponse, _ server: ForeignOIPServer,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
            let placement = answer.placement
            #expect(placement?.side == .remote && placement?.fallback == false && placement?.remote == server.url,
                    "\(String(describing: placement))", sourceLocation: sourceLocation)
            #expect(placement?.wireProtocol == "oip", sourceLocation: sourceLocation)
            #expect(answer.labels.first?.index == local.labels.first?.index, "\(answer.labels) vs \(local.labels)", sourceLocation: sourceLocation)
            if let remote = answer.labels.first?.probability, let here = local.labels.first?.probability {
                #expect(abs(remote - here) < 0.05, "top-1 \(remote) remote vs \(here) here", sourceLocation: sourceLocation)
            }
        }

        @Test func inferctlClassifiesOnKServeOverOIPAndAuto() async throws {
            let server = try await ForeignOIPServer.start(.kserve)
            defer { server.kill() }
            let local = try await InferctlProcess.run(["classify", "--in-process", "--json", "-m", Self.model, DaemonProcess.sample(Self.photo)])
            let reference = try #require(try local.classifyRecords().first, "\(local.stderr)")

            for wire in ["oip", "auto"] {
                let run = try await InferctlProcess.run(["classify", "--remote", server.url, "--remote-protocol", wire, "--json", "-m", Self.model,
                                                         "--models-dir", DaemonProcess.modelsDirectory, DaemonProcess.sample(Self.photo)])
                #expect(run.status == 0, "\(wire): \(run.stderr)\n\(server.log.suffix(1500))")
                let record = try #require(try run.classifyRecords().first)
                #expect(record.labelNames.first == reference.labelNames.first, "\(wire): \(record.labelNames) vs \(reference.labelNames)")
                let remote = try #require(record["remote"] as? [String: Any])
                #expect(remote["protocol"] as? String == "oip", "\(wire)")
                #expect(remote["tensor_shape"] as? [Int] == [1, 3, 224, 224])
                let preprocessing = remote["preprocessing"] as? String ?? ""
                #expect(preprocessing.contains("(local bundle)") && preprocessing.contains("centre crop"), "\(preprocessing)")
                // KServe reports no time: the remote's share is estimated, and says so.
                #expect(remote["remote_reported"] is NSNull && remote["remote_source"] as? String == "connect-estimate", "\(remote)")
                #expect((remote["remote_estimated"] as? Double).map { $0 >= 0 } == true && remote["network"] is Double)
            }
            let text = try await InferctlProcess.run(["classify", "--remote", server.url, "-m", Self.model,
                                                      "--models-dir", DaemonProcess.modelsDirectory, DaemonProcess.sample(Self.photo)])
            #expect(text.stdout.contains("estimated: the wait minus one round trip"), "\(text.stdout)")

            // Without a local bundle nothing says how to normalise the FP32 input: refused, not guessed.
            let empty = FileManager.default.temporaryDirectory.appendingPathComponent("no-models-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: empty) }
            let refused = try await InferctlProcess.run(["classify", "--remote", server.url, "--remote-protocol", "oip", "-m", Self.model,
                                                         "--models-dir", empty, DaemonProcess.sample(Self.photo)])
            #expect(refused.status != 0 && refused.stderr.contains("nothing says how to normalise") && refused.stderr.contains("--input-normalize"),
                    "\(refused.stdout)\n\(refused.stderr)")
            // Said explicitly, it works: labels are "class N" without the bundle, the index agrees.
            let told = try await InferctlProcess.run(["classify", "--remote", server.url, "--remote-protocol", "oip", "--json", "-m", Self.model,
                                                      "--models-dir", empty, "--input-normalize", "127.5/127.5", "--input-crop-short-side", "256",
                                                      DaemonProcess.sample(Self.photo)])
            #expect(told.status == 0, "\(told.stderr)")
            let toldRecord = try #require(try told.classifyRecords().first)
            let index = ((reference["labels"] as? [[String: Any]])?.first?["index"] as? Int) ?? -1
            #expect(toldRecord.labelNames.first == "class \(index)", "\(toldRecord.labelNames)")
            #expect(((toldRecord["remote"] as? [String: Any])?["preprocessing"] as? String)?.contains("(configured)") == true)
            try await server.stop()
        }

        @Test func theDaemonOffloadsToKServeAndFollowsItThroughARedeployAndARestart() async throws {
            let server = try await ForeignOIPServer.start(.kserve)
            defer { server.kill() }
            let edge = try await DaemonProcess.start(arguments: ["--offload-remote", server.url, "--offload", "auto"])

            // auto: cold here, the remote not measured yet: tried; the classify route's 404 switches to OIP.
            let first = try await Offload.classify(edge, Self.model, sample: Self.photo)
            #expect(first.status == 200, "\(first.text)\n\(edge.stderrLog.suffix(2000))")
            let firstAnswer = try first.json(ClassifyResponse.self)
            #expect(firstAnswer.placement?.mode == "auto" && firstAnswer.placement?.side == .remote, "\(String(describing: firstAnswer.placement))")
            let coldRemote = try await Offload.classify(edge, Self.model, sample: Self.photo, query: "&offload=when-cold").json(ClassifyResponse.self)
            #expect(coldRemote.placement?.side == .remote && coldRemote.placement?.mode == "when-cold")
            let local = try await Self.local(edge)
            #expect(local.placement?.side == .local)
            Self.expectRemote(firstAnswer, agreesWith: local, server)
            Self.expectRemote(coldRemote, agreesWith: local, server)
            let warmHere = try await Offload.classify(edge, Self.model, sample: Self.photo, query: "&offload=when-cold").json(ClassifyResponse.self)
            #expect(warmHere.placement?.side == .local && warmHere.placement?.reason.contains("warm here") == true)

            // always: the remote, with the network's share learned from the estimate.
            let always = try await Offload.classify(edge, Self.model, sample: Self.photo, query: "&offload=always").json(ClassifyResponse.self)
            Self.expectRemote(always, agreesWith: local, server)
            let network = try #require(always.placement?.network)
            #expect(network.remoteReported == nil && network.remoteEstimated != nil && network.remoteTime?.source == .connectEstimate)
            #expect(network.bytesSent > 600_000, "an FP32 224x224x3 tensor: \(network.bytesSent)")
            #expect(always.timings.load == 0 && always.timings.decode > 0, "decoded here, loaded nowhere here")
            let status = try #require(try await RawHTTP.get(socket: edge.socketPath, "/v1/status").json(StatusResponse.self).offload)
            #expect(status.remotes[0].roundTripMs != nil && status.remotes[0].remoteTimeSource == .connectEstimate, "\(status.remotes[0])")
            #expect(status.remotes[0].failures == 0 && status.remote == 3, "\(status)")

            // inferctl's text for an offloaded request: the steps that ran nowhere here show "-".
            let run = try await InferctlProcess.run(["classify", "--socket", edge.socketPath, "--offload", "always", "-m", Self.model,
                                                     DaemonProcess.sample(Self.photo)])
            #expect(run.status == 0, "\(run.stderr)")
            let lines = run.stdout.split(separator: "\n").map(String.init)
            let header = try #require(lines.first { $0.contains("load") && $0.contains("compute") }, "\(run.stdout)")
            let row = try #require(lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("1 ") }, "\(run.stdout)")
            let cells = row.split(separator: " ").map(String.init)
            let columns = header.split(separator: " ").map(String.init)
            #expect(columns.contains("ran") && cells.contains("remote"), "\(run.stdout)")
            for step in ["load", "compute"] {
                let column = try #require(columns.firstIndex(of: step))
                #expect(column < cells.count && cells[column] == "-", "\(step) is not known for a remote run: \(run.stdout)")
            }
            #expect(run.stdout.contains("estimated"), "\(run.stdout)")

            // Redeployed with another input: the first request's 400 refreshes the metadata, and it is
            // retried with the new tensor; the change is logged.
            try await server.redeploy(.uint8NHWC)
            let redeployed = try await Offload.classify(edge, Self.model, sample: Self.photo, query: "&offload=always").json(ClassifyResponse.self)
            Self.expectRemote(redeployed, agreesWith: local, server)
            let uint8 = try #require(redeployed.placement?.network)
            #expect(uint8.bytesSent > 150_000 && uint8.bytesSent < 200_000, "a UINT8 224x224x3 tensor: \(uint8.bytesSent)")
            #expect(edge.stderrLog.contains("offload-metadata-changed") && edge.stderrLog.contains("UINT8 [1,224,224,3]"),
                    "\(edge.stderrLog.suffix(2000))")

            // The server goes away: the request runs here; it comes back (same port): offloaded again.
            try await server.stop()
            let gone = try await Offload.classify(edge, Self.model, sample: Self.photo, query: "&offload=always").json(ClassifyResponse.self)
            #expect(gone.placement?.side == .local && gone.placement?.fallback == true, "\(String(describing: gone.placement))")
            #expect(gone.labels.first?.index == local.labels.first?.index)
            let back = try await ForeignOIPServer.start(.kserve, port: server.port, deploy: .uint8NHWC)
            defer { back.kill() }
            try await Task.sleep(for: .seconds(OffloadPlanner.initialBackoff + 0.5))
            let returned = try await Offload.classify(edge, Self.model, sample: Self.photo, query: "&offload=always").json(ClassifyResponse.self)
            Self.expectRemote(returned, agreesWith: local, back)
            #expect(try await edge.stop() == 0)
            try await back.stop()
        }
    }
}

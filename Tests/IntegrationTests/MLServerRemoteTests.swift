import Core
import Foundation
import InferdWire
import Testing

extension DaemonTests {
    /// Seldon's MLServer (``ForeignOIPServer/Kind/mlserver``) as the remote: its REST `/infer` reads
    /// JSON tensors only and lists no `binary_tensor_data` extension, its metadata says
    /// `"versions": []` and `"parameters": {}`, and it reports no time of its own. Skipped, saying
    /// why, only where setup could not install `mlserver`.
    @Suite(.enabled(if: ForeignOIPServer.Kind.mlserver.isInstalled, ForeignOIPServer.Kind.mlserver.skipReason))
    struct MLServerRemote {
        @Test func inferctlAndTheDaemonFallBackToJSONTensorsAndAgreeWithLocal() async throws {
            let server = try await ForeignOIPServer.start(.mlserver)
            defer { server.kill() }
            let model = KServeRemote.model, photo = KServeRemote.photo

            // inferctl, auto: no classify route (404), then a binary tensor it cannot read, then JSON.
            let run = try await InferctlProcess.run(["classify", "--remote", server.url, "--json", "-m", model,
                                                     "--models-dir", DaemonProcess.modelsDirectory, DaemonProcess.sample(photo)])
            #expect(run.status == 0, "\(run.stderr)\n\(server.log.suffix(1500))")
            let record = try #require(try run.classifyRecords().first)
            let remote = try #require(record["remote"] as? [String: Any])
            #expect(remote["protocol"] as? String == "oip" && remote["remote_source"] as? String == "connect-estimate", "\(remote)")
            #expect((remote["bytes_sent"] as? Int ?? 0) > 602_112, "JSON numbers are larger than the FP32 tensor's bytes: \(remote)")

            // The daemon: always offloaded, the same fallback, the same answer as here.
            let edge = try await DaemonProcess.start(arguments: ["--offload-remote", "\(server.url) protocol=oip", "--offload", "always"])
            let local = try await KServeRemote.local(edge)
            #expect(record.labelNames.first == local.labels.first?.label, "\(record.labelNames) vs \(local.labels)")
            // After MLServer answers the binary tensor with 500 it closes the kept-open connection;
            // the JSON retry must still reach it (the transport resends on a fresh connection).
            for _ in 0..<2 {
                let answer = try await Offload.classify(edge, model, sample: photo).json(ClassifyResponse.self)
                KServeRemote.expectRemote(answer, agreesWith: local, server)
            }
            let status = try #require(try await RawHTTP.get(socket: edge.socketPath, "/v1/status").json(StatusResponse.self).offload)
            #expect(status.remotes[0].failures == 0 && status.remotes[0].remoteTimeSource == .connectEstimate, "\(status.remotes[0])")
            #expect(try await edge.stop() == 0)
            try await server.stop()
        }
    }
}

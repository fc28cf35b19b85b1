import Core
import Foundation
import InferdWire
import Testing

extension DaemonTests {
    /// The real daemon under overlapping requests: several infer requests in flight on one warm model
    /// (seen in `/v1/models`), a full per-model queue answered 503 with `Retry-After`, and Triton's
    /// model configuration for `perf_analyzer`.
    @Suite struct InferenceQueue {
        /// A binary-tensor `/infer` request of a mid-grey `side` x `side` image.
        func inferBody(side: Int) throws -> (headers: [String: String], body: [UInt8]) {
            let bytes = [UInt8](repeating: 128, count: side * side * 3)
            let header = OpenInference.InferenceRequest(
                inputs: [.init(name: "input", shape: [1, Int64(side), Int64(side), 3], datatype: "UINT8",
                               parameters: ["binary_data_size": .int(Int64(bytes.count))])])
            let json = Array(try JSONEncoder().encode(header))
            return (["Inference-Header-Content-Length": "\(json.count)", "Content-Type": "application/octet-stream"], json + bytes)
        }

        /// Sends `count` requests at once; the answers' statuses and `Retry-After` headers.
        func burst(_ socket: String, count: Int, side: Int) async throws -> [(status: Int, retryAfter: String?, code: String?)] {
            let (headers, body) = try inferBody(side: side)
            return try await withThrowingTaskGroup(of: (Int, String?, String?).self) { group in
                for _ in 0..<count {
                    group.addTask {
                        let response = try await RawHTTP.send(socket: socket, method: "POST", path: "/v2/models/squeezenet/infer",
                                                              headers: headers, body: body)
                        let code = response.status == 200 ? nil : (try? response.json(ErrorBody.self))?.code?.rawValue
                        return (response.status, response.header("Retry-After"), code)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }

        @Test func overlappingRequestsRunOnSeveralInferRequestsAndAFullQueueAnswers503() async throws {
            // No throughput companion: its infer requests would raise the model's bound mid-burst
            // (companions under bursts are AdaptiveStreams' subject).
            let daemon = try await DaemonProcess.start(arguments: ["--queue-limit", "0", "--preload", "squeezenet",
                                                                   "--adaptive-streams", "off"])
            let socket = daemon.socketPath
            var answers: [(status: Int, retryAfter: String?, code: String?)] = []
            // With no room to wait, a burst larger than the infer requests is partly refused; a busy
            // machine may serialise one burst, so try a few (bounded).
            for _ in 0..<6 where !answers.contains(where: { $0.status == 503 }) {
                answers += try await burst(socket, count: 12, side: 1024)
            }
            #expect(answers.allSatisfy { $0.status == 200 || $0.status == 503 }, "\(answers.map(\.status))")
            let refused = answers.filter { $0.status == 503 }
            #expect(!refused.isEmpty)
            #expect(refused.allSatisfy { $0.retryAfter == "1" && $0.code == "overloaded" }, "\(refused)")
            #expect(answers.contains { $0.status == 200 })

            let summary = try await RawHTTP.get(socket: socket, "/v1/models/squeezenet").json(ModelSummary.self)
            let inference = try #require(summary.inference)
            #expect(inference.capacity >= 2)
            #expect(inference.peakInFlight >= 2, "\(inference)")
            #expect(inference.rejected == refused.count)
            #expect(inference.inFlight == 0)
            #expect(summary.precision != nil)
            #expect(try await daemon.stop() == 0)
        }

        @Test func aModelsOwnPerformanceHintIsCompiledAndShown() async throws {
            let daemon = try await DaemonProcess.start(arguments: [
                "--performance-hint", "latency", "--model-performance-hint", "squeezenet=throughput",
                "--preload", "squeezenet,efficientnet-lite0",
            ])
            let socket = daemon.socketPath
            let squeezenet = try await RawHTTP.get(socket: socket, "/v1/models/squeezenet").json(ModelSummary.self)
            let other = try await RawHTTP.get(socket: socket, "/v1/models/efficientnet-lite0").json(ModelSummary.self)
            #expect(squeezenet.performanceHint == "throughput")
            #expect(other.performanceHint == "latency")
            // Triton's configuration offers as many instances as the model has infer requests.
            let config = try await RawHTTP.get(socket: socket, "/v2/models/squeezenet/config").json(TritonModelConfig.self)
            #expect(config.instanceGroup.first?.count == squeezenet.inference?.capacity)
            let (headers, body) = try inferBody(side: 224)
            let answer = try await RawHTTP.send(socket: socket, method: "POST", path: "/v2/models/squeezenet/infer", headers: headers, body: body)
            #expect(answer.status == 200)
            #expect(try await daemon.stop() == 0)
        }

        @Test func tritonModelConfiguration() async throws {
            let daemon = try await DaemonProcess.start()
            let socket = daemon.socketPath
            for path in ["/v2/models/efficientnet-lite0/config", "/v2/models/efficientnet-lite0/versions/1/config"] {
                let config = try await RawHTTP.get(socket: socket, path).json(TritonModelConfig.self)
                #expect(config.name == "efficientnet-lite0")
                #expect(config.maxBatchSize == 0)
                #expect(config.input.first?.dataType == "TYPE_UINT8")
                #expect(config.input.first?.dims == [1, -1, -1, 3])
                #expect(config.output.first?.dataType == "TYPE_FP32")
                #expect(config.output.first?.dims == [1, 1000])
                #expect((config.instanceGroup.first?.count ?? 0) >= 1)
            }
            #expect(try await RawHTTP.get(socket: socket, "/v2/models/nope/config").status == 404)
            #expect(try await daemon.stop() == 0)
        }
    }
}

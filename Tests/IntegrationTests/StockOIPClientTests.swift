import Foundation
import InferdWire
import Testing

extension DaemonTests {
    /// The stock Triton HTTP client (`tritonclient[http]`, what Triton, KServe and OpenVINO Model
    /// Server users already have) against inferd's Open Inference Protocol endpoints over TCP:
    /// `scripts/tests/triton_client_check.py` makes every call and reports what it got.
    @Suite struct StockOIPClient {
        /// Where setup installs the tests' Python packages: `INFERD_TEST_PYTHONPATH` (scripts/env.sh),
        /// else `.deps/python-tests`. Not optional: CI installs it, so a missing client fails here.
        static var pythonPath: String {
            ProcessInfo.processInfo.environment["INFERD_TEST_PYTHONPATH"] ?? DaemonProcess.packageRoot + "/.deps/python-tests"
        }

        /// The script's JSON summary (only the fields the test reads).
        struct Summary: Decodable {
            struct Variant: Decodable {
                var top1: Int
                var shape: [Int]?
                var dtype: String?
                var sum: Double?
                var strings: [String]?
                var id: String?
                var model_name: String?
            }
            var image_shape: [Int]
            var errors: [String: String]
            var top1: [String: Int]
            var variants: [String: Variant]
            var server_live: Bool?
            var server_ready: Bool?
            var model_ready_before: Bool?
            var model_ready_after: Bool?
            var server_metadata: OpenInference.ServerMetadata?
            var repository_index: [OpenInference.RepositoryIndexEntry]?
            var model_metadata: OpenInference.ModelMetadata?
            var compression: [String: Compression]
        }

        struct Compression: Decodable {
            var top1: Int?
            var status: String?
            var message: String?
        }

        static let variants = ["json", "binary"].flatMap { input in
            ["json", "binary", "default"].map { "input_\(input)_output_\($0)" }
        }

        @Test func tritonClientMakesEveryCallAndAgreesWithClassify() async throws {
            let (daemon, address) = try await Offload.cloud()
            let model = "efficientnet-lite0", sample = "chelsea.jpg"
            let run = try await Command.run(["python3", DaemonProcess.packageRoot + "/scripts/tests/triton_client_check.py",
                                             address, model, DaemonProcess.sample(sample)],
                                            environment: ["PYTHONPATH": Self.pythonPath], timeout: 600)
            let summary = try #require(try? JSONDecoder().decode(Summary.self, from: Data(run.stdout.utf8)),
                                       "status \(run.status): \(run.stdout)\n\(run.stderr)\n\(daemon.stderrLog.suffix(2000))")
            #expect(run.status == 0 && summary.errors.isEmpty, "\(summary.errors)")

            #expect(summary.server_live == true && summary.server_ready == true)
            #expect(summary.server_metadata?.name == "inferd")
            #expect(summary.server_metadata?.extensions.contains("binary_tensor_data") == true)
            #expect(summary.repository_index?.contains { $0.name == model } == true)
            let metadata = try #require(summary.model_metadata)
            #expect(metadata.inputs.first?.datatype == "UINT8" && metadata.inputs.first?.shape == [1, -1, -1, 3])
            // inferd answers 400 for a model that would pay a cold start, so the client says "not ready".
            #expect(summary.model_ready_before == false, "cold before the first inference")
            #expect(summary.model_ready_after == true, "warm after it")

            // The client decoded the photo itself (Pillow); every variant gets inferd's own top-1.
            #expect(summary.image_shape.count == 4 && summary.image_shape[3] == 3)
            let own = try await API.classified(daemon, model: model, sample: sample, top: 1)
            #expect(API.isCat(own.labels[0].label))
            for variant in Self.variants {
                let answer = try #require(summary.variants[variant], "\(variant): \(summary.errors[variant] ?? "missing")")
                #expect(answer.top1 == own.labels[0].index, "\(variant): \(summary.top1)")
                #expect(answer.shape == [1, 1000] && answer.dtype == "float32", "\(variant)")
                #expect(abs((answer.sum ?? 0) - 1) < 0.01, "\(variant): probabilities sum to \(answer.sum ?? 0)")
                #expect(answer.id == variant && answer.model_name == model, "\(variant): id \(answer.id ?? "nil")")
            }
            // The classification extension GET /v2 advertises: class_count=3 gives three
            // "probability:index:label" strings, best first, as JSON and as binary BYTES.
            for variant in ["classification_output_json", "classification_output_binary"] {
                let answer = try #require(summary.variants[variant], "\(variant): \(summary.errors[variant] ?? "missing")")
                #expect(answer.top1 == own.labels[0].index, "\(variant): \(answer.strings ?? [])")
                #expect(answer.strings?.count == 3 && answer.strings?.first?.hasSuffix(":" + own.labels[0].label) == true,
                        "\(variant): \(answer.strings ?? [])")
            }
            // The client's compression options: an answer is sent uncompressed (the client copes);
            // a compressed request is refused clearly, not misread as bad JSON.
            #expect(summary.compression["response_gzip"]?.top1 == own.labels[0].index, "\(summary.compression)")
            #expect(summary.compression["request_gzip"]?.status == "415", "\(summary.compression)")
            #expect(try await daemon.stop() == 0)
        }
    }
}

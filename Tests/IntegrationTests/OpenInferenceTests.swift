import Foundation
import InferdRuntime
import InferdWire
import Testing

extension DaemonTests {
    /// The Open Inference Protocol (KServe v2) and Triton's repository extension, with real tensors.
    @Suite struct OpenInferenceProtocol {
        /// The RGB pixels of a sample photo, decoded at full size by Core's decoder.
        func pixels(_ sample: String) throws -> (width: Int, height: Int, bytes: [UInt8]) {
            let decoded = try ImageDecoder.decode(try DaemonProcess.sampleBytes(sample))
            let pixels = decoded.pixels
            let bytes = Array(UnsafeBufferPointer(start: pixels.bytes.assumingMemoryBound(to: UInt8.self), count: pixels.byteCount))
            return (pixels.width, pixels.height, bytes)
        }

        func argmax(_ values: [Float]) -> Int {
            values.indices.max { values[$0] < values[$1] } ?? -1
        }

        /// The class index of `label` in the model's labels file.
        func index(of label: String, model: String = "efficientnet-lite0") throws -> Int {
            let labels = try String(contentsOfFile: DaemonProcess.modelsDirectory + "/\(model)/labels.txt", encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            return try #require(labels.firstIndex(of: label))
        }

        @Test func healthServerAndModelMetadata() async throws {
            let daemon = try await DaemonProcess.start()
            let socket = daemon.socketPath
            #expect(try await RawHTTP.get(socket: socket, "/v2/health/live").status == 200)
            #expect(try await RawHTTP.get(socket: socket, "/v2/health/ready").status == 200)

            let server = try await RawHTTP.get(socket: socket, "/v2").json(OpenInference.ServerMetadata.self)
            #expect(server.name == "inferd")
            #expect(Set(server.extensions) == ["classification", "model_repository", "binary_tensor_data"])

            let metadata = try await RawHTTP.get(socket: socket, "/v2/models/squeezenet").json(OpenInference.ModelMetadata.self)
            #expect(metadata.name == "squeezenet")
            #expect(metadata.versions == ["1"])
            #expect(metadata.platform == "openvino_onnx")
            #expect(metadata.inputs.first?.datatype == "UINT8")
            #expect(metadata.inputs.first?.shape == [1, -1, -1, 3])
            #expect(metadata.outputs.first?.datatype == "FP32")
            #expect(metadata.outputs.first?.shape == [1, 1000])
            #expect(metadata.networkInputs?.first?.shape == [1, 3, 227, 227])

            // Not warm yet: not ready (a request would pay a cold start); unknown: 404.
            #expect(try await RawHTTP.get(socket: socket, "/v2/models/squeezenet/ready").status == 400)
            #expect(try await RawHTTP.get(socket: socket, "/v2/models/nope").status == 404)
            #expect(try await RawHTTP.get(socket: socket, "/v2/models/nope/ready").status == 404)
            #expect(try await RawHTTP.get(socket: socket, "/v2/models/squeezenet/versions/2").status == 404)
            #expect(try await daemon.stop() == 0)
        }

        @Test func jsonTensorInferenceMatchesTheClass() async throws {
            let daemon = try await DaemonProcess.start()
            let image = try pixels("coffee.jpg")
            let request = OpenInference.InferenceRequest(id: "json-1", inputs: [
                .init(name: "input", shape: [1, Int64(image.height), Int64(image.width), 3], datatype: "UINT8",
                      data: .init(image.bytes.map(Double.init))),
            ])
            let response = try await RawHTTP.send(socket: daemon.socketPath, method: "POST", path: "/v2/models/efficientnet-lite0/infer",
                                                  headers: ["Content-Type": "application/json"], body: Array(try JSONEncoder().encode(request)))
            try #require(response.status == 200, "\(response.text)")
            let answer = try response.json(OpenInference.InferenceResponse.self)
            #expect(answer.modelName == "efficientnet-lite0")
            #expect(answer.id == "json-1")
            let output = try #require(answer.outputs.first)
            #expect(output.datatype == "FP32")
            #expect(output.shape == [1, 1000])
            let values = try #require(output.data)
            #expect(values.count == 1000)
            #expect(abs(values.reduce(0, +) - 1) < 1e-3, "softmax probabilities sum to 1")
            #expect(argmax(values) == (try index(of: "espresso")))
            #expect(answer.parameters?["cold"] == .bool(true))
            #expect(try await daemon.stop() == 0)
        }

        @Test func binaryTensorExtensionBothWays() async throws {
            let daemon = try await DaemonProcess.start()
            let image = try pixels("chelsea.jpg")
            let header = OpenInference.InferenceRequest(
                inputs: [.init(name: "input", shape: [1, Int64(image.height), Int64(image.width), 3], datatype: "UINT8",
                               parameters: ["binary_data_size": .int(Int64(image.bytes.count))])],
                outputs: [.init(name: "logits", parameters: ["binary_data": .bool(true)])])
            let json = Array(try JSONEncoder().encode(header))
            let response = try await RawHTTP.send(socket: daemon.socketPath, method: "POST", path: "/v2/models/efficientnet-lite0/infer",
                                                  headers: ["Inference-Header-Content-Length": "\(json.count)",
                                                            "Content-Type": "application/octet-stream"],
                                                  body: json + image.bytes)
            try #require(response.status == 200, "\(response.text)")
            let headerLength = try #require(response.header("Inference-Header-Content-Length").flatMap { Int($0) })
            let answer = try JSONDecoder().decode(OpenInference.InferenceResponse.self, from: Data(response.body[..<headerLength]))
            let output = try #require(answer.outputs.first)
            #expect(output.data == nil)
            #expect(output.parameters?["binary_data_size"] == .int(4000))
            let raw = Array(response.body[headerLength...])
            #expect(raw.count == 4000)
            let values = stride(from: 0, to: raw.count, by: 4).map { offset in
                Float(bitPattern: UInt32(raw[offset]) | UInt32(raw[offset + 1]) << 8 | UInt32(raw[offset + 2]) << 16 | UInt32(raw[offset + 3]) << 24)
            }
            let labels = try String(contentsOfFile: DaemonProcess.modelsDirectory + "/efficientnet-lite0/labels.txt", encoding: .utf8)
                .split(separator: "\n").map(String.init)
            let top3 = values.indices.sorted { values[$0] > values[$1] }.prefix(3).map { labels[$0] }
            #expect(top3.contains(where: API.isCat), "\(top3)")

            // binary_data_output on the request asks for every output in binary.
            let plain = OpenInference.InferenceRequest(parameters: ["binary_data_output": .bool(true)], inputs: [
                .init(name: "input", shape: [1, 2, 2, 3], datatype: "UINT8", data: .init(Array(repeating: 128, count: 12))),
            ])
            let small = try await RawHTTP.send(socket: daemon.socketPath, method: "POST", path: "/v2/models/efficientnet-lite0/infer",
                                               body: Array(try JSONEncoder().encode(plain)))
            #expect(small.status == 200)
            #expect(small.header("Inference-Header-Content-Length") != nil)
            #expect(try await daemon.stop() == 0)
        }

        @Test func badInferenceRequestsAre400() async throws {
            let daemon = try await DaemonProcess.start()
            let path = "/v2/models/squeezenet/infer"
            let binaryHeader = Array(#"{"inputs":[{"name":"input","shape":[1,1,1,3],"datatype":"UINT8","parameters":{"binary_data_size":3}}]}"#.utf8)
            let unknownInput = Array(#"{"inputs":[{"name":"image","shape":[1,1,1,3],"datatype":"UINT8","data":[1,2,3]}]}"#.utf8)
            let cases: [(String, [UInt8], [String: String])] = [
                // Refused on the lease while the model's input is unknown, and before any lease at the end.
                ("an input the model does not have", unknownInput, [:]),
                ("not JSON", Array("{\"inputs\": [".utf8), [:]),
                ("no inputs field", Array("{}".utf8), [:]),
                ("wrong datatype", Array(#"{"inputs":[{"name":"input","shape":[1,1,1,3],"datatype":"FP32","data":[1,2,3]}]}"#.utf8), [:]),
                ("wrong shape", Array(#"{"inputs":[{"name":"input","shape":[1,3,2,2],"datatype":"UINT8","data":[1,2,3,4,5,6,7,8,9,10,11,12]}]}"#.utf8), [:]),
                ("too few bytes", Array(#"{"inputs":[{"name":"input","shape":[1,2,2,3],"datatype":"UINT8","data":[1,2,3]}]}"#.utf8), [:]),
                ("value over 255", Array(#"{"inputs":[{"name":"input","shape":[1,1,1,3],"datatype":"UINT8","data":[1,2,300]}]}"#.utf8), [:]),
                ("binary size beyond body", binaryHeader + [1], ["Inference-Header-Content-Length": "\(binaryHeader.count)"]),
                ("header length beyond body", Array("{}".utf8), ["Inference-Header-Content-Length": "5000"]),
                ("unknown output", Array(#"{"inputs":[{"name":"input","shape":[1,1,1,3],"datatype":"UINT8","data":[1,2,3]}],"outputs":[{"name":"nope"}]}"#.utf8), [:]),
                ("classification of 0 classes", Array(#"{"inputs":[{"name":"input","shape":[1,1,1,3],"datatype":"UINT8","data":[1,2,3]}],"outputs":[{"name":"logits","parameters":{"classification":0}}]}"#.utf8), [:]),
                ("an input the model does not have, its input known", unknownInput, [:]),
            ]
            for (what, body, headers) in cases {
                let response = try await RawHTTP.send(socket: daemon.socketPath, method: "POST", path: path, headers: headers, body: body)
                #expect(response.status == 400, "\(what): \(response.status) \(response.text)")
                let error = try? response.json(ErrorBody.self)
                #expect(error?.code == .badRequest, "\(what): \(response.text)")
            }
            let misnamed = try await RawHTTP.send(socket: daemon.socketPath, method: "POST", path: path, body: unknownInput)
            #expect(misnamed.text.contains(#"no input \"image\"; its input is \"input\""#), "\(misnamed.text)")
            let unknown = try await RawHTTP.send(socket: daemon.socketPath, method: "POST", path: "/v2/models/nope/infer", body: Array("{}".utf8))
            #expect(unknown.status == 404)
            try await API.expectServing(daemon, after: "bad inference requests")
            #expect(try await daemon.stop() == 0)
        }

        @Test func repositoryIndexLoadAndUnload() async throws {
            let daemon = try await DaemonProcess.start()
            let socket = daemon.socketPath
            func index() async throws -> [String: OpenInference.RepositoryIndexEntry] {
                let entries = try await RawHTTP.post(socket: socket, "/v2/repository/index").json([OpenInference.RepositoryIndexEntry].self)
                return Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0) })
            }
            let before = try await index()
            #expect(Set(before.keys) == ["alexnet", "efficientnet-lite0", "nin", "squeezenet"])
            #expect(before.values.allSatisfy { $0.state == .unavailable && $0.version == "1" && !$0.reason.isEmpty })

            #expect(try await RawHTTP.post(socket: socket, "/v2/repository/models/squeezenet/load").status == 200)
            #expect(try await index()["squeezenet"]?.state == .ready)
            #expect(try await RawHTTP.get(socket: socket, "/v2/models/squeezenet/ready").status == 200)
            let readyOnly = try await RawHTTP.post(socket: socket, "/v2/repository/index", body: Array(#"{"ready":true}"#.utf8))
                .json([OpenInference.RepositoryIndexEntry].self)
            #expect(readyOnly.map(\.name) == ["squeezenet"])

            #expect(try await RawHTTP.post(socket: socket, "/v2/repository/models/squeezenet/unload").status == 200)
            #expect(try await index()["squeezenet"]?.state == .unavailable)
            #expect(try await RawHTTP.post(socket: socket, "/v2/repository/models/nope/load").status == 404)
            #expect(try await daemon.stop() == 0)
        }
    }
}
